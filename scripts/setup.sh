# Sourced by the other scripts: installs what a fresh machine lacks (the pinned toolchain,
# its components and the wasm target) and sets the environment every command shares.
# A fresh machine has only the default Rust and RUSTUP_AUTO_INSTALL=0, so nothing here may
# rely on rustup installing a toolchain implicitly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    echo "installing Rust $TOOLCHAIN" >&2
    rustup toolchain install "$TOOLCHAIN" --profile minimal
fi
# Idempotent and quick when everything is present.
rustup component add --toolchain "$TOOLCHAIN" rust-src clippy rustfmt >/dev/null 2>&1 ||
    rustup component add --toolchain "$TOOLCHAIN" rust-src clippy rustfmt
rustup target add --toolchain "$TOOLCHAIN" wasm32-unknown-unknown >/dev/null 2>&1 ||
    rustup target add --toolchain "$TOOLCHAIN" wasm32-unknown-unknown
export RUSTUP_TOOLCHAIN="$TOOLCHAIN"

# One persistent build cache outside the clone, so a fresh clone builds warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ink-city/target}"

# The checkout the `city` binary and the tests work in. The binary may have been built by
# another clone sharing the cache above, so it never assumes where it was compiled.
export INK_CITY_ROOT="$ROOT"

//! The `city` binary as a user meets it: help, usage errors (exit 2), flags in any order,
//! and the checkout it works in found at run time.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use harness::bundles::{bundle_dir, workspace_root, ROOT_VARIABLE};

/// `city` with `args`, run in `dir` with no checkout named in the environment and this
/// test's build cache (as every clone on a machine shares one).
fn city_in(dir: &Path, args: &[&str]) -> Output {
    let cache = bundle_dir().unwrap().parent().unwrap().to_path_buf();
    Command::new(env!("CARGO_BIN_EXE_city"))
        .args(args)
        .current_dir(dir)
        .env_remove(ROOT_VARIABLE)
        .env("CARGO_TARGET_DIR", cache)
        .output()
        .unwrap()
}

fn city(args: &[&str]) -> Output {
    city_in(&workspace_root().unwrap(), args)
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[test]
fn help_lists_every_command_and_every_flag() {
    let help = city(&["--help"]);
    assert_eq!(help.status.code(), Some(0), "{}", text(&help));
    for command in [
        "build", "simulate", "demo", "bench", "fuzz", "deploy", "verify", "step", "upgrade",
        "export", "import", "relay", "load",
    ] {
        assert!(
            text(&help).contains(command),
            "{command} in {}",
            text(&help)
        );
    }
    let flags: &[(&str, &[&str])] = &[
        (
            "simulate",
            &["--citizens", "--days", "--seed", "--out", "--broken"],
        ),
        ("bench", &["--json", "--readme", "--check"]),
        (
            "fuzz",
            &["--cases", "--depth", "--seed", "--decimals", "--broken"],
        ),
        ("deploy", &["--network", "--suri", "--dry-run"]),
        ("verify", &["--network"]),
        ("upgrade", &["--network", "--use", "--dry-run"]),
        ("export", &["--network", "--out"]),
        ("import", &["--network", "--from"]),
        ("step", &["--network", "--citizen", "--suri"]),
        (
            "relay",
            &[
                "--network",
                "--listen",
                "--database",
                "--deployments",
                "--suri",
                "--queue",
                "--per-minute",
            ],
        ),
        ("load", &["--ballots", "--clients", "--readme"]),
    ];
    for (command, flags) in flags {
        let help = city(&[command, "--help"]);
        assert_eq!(help.status.code(), Some(0), "{}", text(&help));
        for flag in *flags {
            // Each flag is listed with a sentence after it.
            let line = text(&help)
                .lines()
                .find(|line| line.trim_start().starts_with(flag))
                .map(str::to_owned);
            let line = line.unwrap_or_else(|| panic!("{command} --help lacks {flag}"));
            assert!(line.trim().len() > flag.len() + 8, "{command}: {line}");
        }
    }
}

#[test]
fn usage_errors_exit_2_with_clap_s_message() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["simulate", "all", "--citizens", "x"],
            "invalid value 'x' for '--citizens <N>'",
        ),
        (&["simulate", "atlantis"], "invalid value 'atlantis'"),
        (&["simulate"], "required"),
        (
            &["fuzz", "--broken", "nonsense"],
            "invalid value 'nonsense' for '--broken <VARIANT>'",
        ),
        (&["fuzz", "--decimals", "6"], "invalid value '6'"),
        (
            &["bench", "--json", "--check", "README.md"],
            "cannot be used with",
        ),
        (&["deploy"], "--network <NAME>"),
        (&["launch"], "unrecognized subcommand 'launch'"),
    ];
    for (args, message) in cases {
        let output = city(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        assert!(
            text(&output).contains(message),
            "{args:?}: {}",
            text(&output)
        );
    }
}

#[test]
fn flags_are_taken_in_any_order() {
    let out = std::env::temp_dir().join(format!("ink-city-cli-{}", std::process::id()));
    let out = out.to_str().unwrap();
    let output = city(&[
        "simulate",
        "--days",
        "1",
        "--out",
        out,
        "zug",
        "--seed",
        "2",
        "--citizens",
        "12",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(Path::new(out).join("index.html").exists());
    std::fs::remove_dir_all(out).ok();
}

#[test]
fn a_failed_check_exits_1() {
    // The README's figures checked against a file that has none of them.
    let empty = std::env::temp_dir().join(format!("ink-city-empty-{}.md", std::process::id()));
    std::fs::write(&empty, "# nothing measured here\n").unwrap();
    let output = city(&["bench", "--check", empty.to_str().unwrap()]);
    std::fs::remove_file(&empty).ok();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
}

/// The files `city build` reads: a second checkout of the same sources.
fn second_checkout(at: &Path) {
    let root = workspace_root().unwrap();
    for file in ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"] {
        std::fs::create_dir_all(at).unwrap();
        std::fs::copy(root.join(file), at.join(file)).unwrap();
    }
    copy_tree(&root.join("contracts"), &at.join("contracts"));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if path.is_dir() {
            if name != "target" {
                copy_tree(&path, &to.join(name));
            }
        } else {
            std::fs::copy(&path, to.join(name)).unwrap();
        }
    }
}

/// Two clones share one `CARGO_TARGET_DIR`, so one binary serves both: it must work in
/// the checkout it is run in, and keep working there once the other clone is gone.
#[test]
fn two_checkouts_sharing_one_cache_each_get_their_own() {
    let other: PathBuf =
        std::env::temp_dir().join(format!("ink-city-second-clone-{}", std::process::id()));
    second_checkout(&other);
    let there = city_in(&other.join("contracts"), &["build"]);
    assert_eq!(there.status.code(), Some(0), "{}", text(&there));
    assert!(
        text(&there).contains(&format!("bundles of {} up to date", other.display())),
        "{}",
        text(&there)
    );
    std::fs::remove_dir_all(&other).unwrap();

    let root = workspace_root().unwrap();
    let here = city_in(&root, &["build"]);
    assert_eq!(here.status.code(), Some(0), "{}", text(&here));
    assert!(
        text(&here).contains(&format!("bundles of {} up to date", root.display())),
        "{}",
        text(&here)
    );

    // Named by the scripts, the checkout wins over the current directory.
    let cache = bundle_dir().unwrap().parent().unwrap().to_path_buf();
    let named = Command::new(env!("CARGO_BIN_EXE_city"))
        .arg("build")
        .current_dir(std::env::temp_dir())
        .env(ROOT_VARIABLE, &root)
        .env("CARGO_TARGET_DIR", cache)
        .output()
        .unwrap();
    assert_eq!(named.status.code(), Some(0), "{}", text(&named));
}

#[test]
fn outside_a_checkout_the_error_says_so() {
    let nowhere = city_in(&std::env::temp_dir(), &["build"]);
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(
        text(&nowhere).contains("is not inside an ink-city checkout"),
        "{}",
        text(&nowhere)
    );
}

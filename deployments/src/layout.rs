//! The storage-layout compatibility check: may a contract's new code run on the storage its
//! deployed code left?
//!
//! pallet-contracts keeps a contract's storage when `set_code_hash` replaces its code, so
//! the new code reads the old bytes. ink! stores the contract in **cells**: the root cell
//! (key `0x00000000`, every plain field of the `#[ink(storage)]` struct, SCALE-encoded one
//! after the other) and one cell per `Lazy`, and per entry of a `Mapping`, at their own
//! keys. The bundle's metadata describes both: `storage` lays out the cells, `types` says
//! how each value is encoded.
//!
//! [`compare`] resolves both metadata into the cells and the encoding of each cell's value
//! (its [`Shape`]: field names and types down to the primitives), then compares them cell
//! by cell (by key) and field by field (by position, as SCALE does). What it finds, in
//! words:
//!
//! | change | verdict |
//! |---|---|
//! | nothing, or only names (a field, a type, a variant renamed) | compatible: the bytes read the same |
//! | a name moved to another place (two fields or variants swapped) | breaking: each old value would read as the other |
//! | a new enum variant | compatible: every old value still decodes |
//! | a new cell (a new `Lazy` or `Mapping` field) | compatible: it starts empty |
//! | a field appended, removed or retyped, a variant removed or changed, a `Mapping`'s key retyped, a cell dropped or of another kind (`Lazy` to `StorageVec`) | breaking: needs a declared migration (for a `Mapping`, one that knows every key) |
//! | a breaking change in the root cell | refused: ink! decodes the root cell before every message, the migration's included, so no migration could run; new data belongs in a cell of its own |
//!
//! A contract declares its storage version, and the versions its code migrates from, in
//! its `Cargo.toml`, which cargo-contract copies into the metadata's `user` section:
//!
//! ```toml
//! [package.metadata.contract.user.storage]
//! version = 2
//! migrates_from = [1]
//! ```
//!
//! The [`Verdict`] follows: a change with no breaking difference and the same version is
//! compatible; a breaking one is accepted only if the version goes up and the new code
//! declares a migration from the deployed version; a downgrade, a version bump without a
//! migration from the deployed version, another contract's code (another storage struct),
//! and code, deployed or new, without the `Upgradable` messages are refused.

use std::{collections::BTreeMap, fmt::Write as _};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

/// The message every upgradable contract has; a deployed code without it cannot replace
/// its code.
pub const UPGRADE_MESSAGE: &str = "Upgradable::upgrade";

/// How a value is encoded (SCALE), resolved from a metadata's type registry. Two values
/// with equal shapes, names aside, read the same bytes the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Primitive(String),
    Compact(Box<Shape>),
    Sequence(Box<Shape>),
    Array(u64, Box<Shape>),
    Tuple(Vec<Shape>),
    Composite {
        name: String,
        fields: Vec<Field>,
    },
    Variant {
        name: String,
        variants: Vec<Variant>,
    },
    BitSequence,
    /// A type met again while it is being resolved (a recursive type), by name.
    Recursive(String),
}

/// A field of a composite or a variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub shape: Shape,
}

/// A variant of an enum, with its SCALE index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub index: u64,
    pub name: String,
    pub fields: Vec<Field>,
}

impl Shape {
    /// The shape in a few words: `u128`, `Vec<u32>`, `AccountId`, `enum Role`.
    fn describe(&self) -> String {
        match self {
            Self::Primitive(name) => name.clone(),
            Self::Compact(inner) => format!("Compact<{}>", inner.describe()),
            Self::Sequence(inner) => format!("Vec<{}>", inner.describe()),
            Self::Array(len, inner) => format!("[{}; {len}]", inner.describe()),
            Self::Tuple(items) => {
                let items: Vec<String> = items.iter().map(Self::describe).collect();
                format!("({})", items.join(", "))
            }
            Self::Composite { name, .. } => format!("struct {name}"),
            Self::Variant { name, .. } => format!("enum {name}"),
            Self::BitSequence => "BitVec".into(),
            Self::Recursive(name) => name.clone(),
        }
    }
}

/// One storage cell of a contract: where it is, what field it holds, and how its value is
/// encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell's root key, `0x`-prefixed hex as the metadata writes it.
    pub key: String,
    /// The field it holds, from the storage struct: `CityToken.accounts`.
    pub path: String,
    /// `root` for the contract's root cell, else the storage type: `Lazy`, `Mapping`.
    pub kind: String,
    /// A `Mapping`'s key: an entry lives at a hash of the root key and the encoded key.
    pub index: Option<Shape>,
    pub value: Shape,
    /// The metadata's type ids of the key (a `Mapping`'s) and of the value, to decode the
    /// cell's bytes with the bundle's transcoder.
    pub index_type: Option<u32>,
    pub value_type: u32,
}

/// A contract's storage as its metadata describes it: its cells, and its declared storage
/// version and migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub contract: String,
    pub cells: Vec<Cell>,
    /// `user.storage.version`; `None` if the metadata declares none.
    pub version: Option<u64>,
    /// `user.storage.migrates_from`: the versions the code migrates from.
    pub migrates_from: Vec<u64>,
    /// Whether the code has the [`UPGRADE_MESSAGE`].
    pub upgradable: bool,
}

impl Layout {
    /// The layout of the contract whose metadata (a `.contract` bundle or its `.json`) is
    /// `metadata`.
    ///
    /// # Errors
    /// If the metadata has no storage layout, or one this check does not know (a `hash`
    /// layout, an array of cells).
    pub fn of(metadata: &Value) -> Result<Self> {
        let types = Types::of(metadata)?;
        let root = metadata
            .pointer("/storage/root")
            .context("the metadata has no storage layout")?;
        let contract = metadata
            .pointer("/contract/name")
            .and_then(Value::as_str)
            .unwrap_or("contract")
            .to_string();
        let mut cells = Vec::new();
        let name = root
            .pointer("/layout/struct/name")
            .and_then(Value::as_str)
            .unwrap_or(&contract)
            .to_string();
        types.cell(root, &name, true, &mut cells)?;
        let storage = metadata.pointer("/user/storage");
        let version = storage
            .and_then(|s| s.get("version"))
            .and_then(Value::as_u64);
        let migrates_from = storage
            .and_then(|s| s.get("migrates_from"))
            .and_then(Value::as_array)
            .map(|versions| versions.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        let upgradable = metadata
            .pointer("/spec/messages")
            .and_then(Value::as_array)
            .is_some_and(|messages| {
                messages
                    .iter()
                    .any(|m| m.get("label").and_then(Value::as_str) == Some(UPGRADE_MESSAGE))
            });
        Ok(Self {
            contract,
            cells,
            version,
            migrates_from,
            upgradable,
        })
    }
}

/// A metadata's type registry.
struct Types<'a>(BTreeMap<u64, &'a Value>);

impl<'a> Types<'a> {
    fn of(metadata: &'a Value) -> Result<Self> {
        let types = metadata
            .get("types")
            .and_then(Value::as_array)
            .context("the metadata has no type registry")?;
        types
            .iter()
            .map(|entry| {
                let id = entry.get("id").and_then(Value::as_u64);
                let ty = entry.get("type");
                id.zip(ty).context("a type without id or definition")
            })
            .collect::<Result<_>>()
            .map(Self)
    }

    fn get(&self, id: &Value) -> Result<&'a Value> {
        let id = id.as_u64().context("a type id that is no number")?;
        self.0
            .get(&id)
            .copied()
            .ok_or_else(|| anyhow!("type {id} is not in the registry"))
    }

    /// The name of type `ty`: the last segment of its path.
    fn name(&self, ty: &Value) -> String {
        ty.get("path")
            .and_then(Value::as_array)
            .and_then(|path| path.last())
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    /// The shape of type `id`; `seen` holds the types being resolved, to stop at a
    /// recursive one.
    fn shape(&self, id: &Value, seen: &mut Vec<u64>) -> Result<Shape> {
        let ty = self.get(id)?;
        let name = self.name(ty);
        let number = id.as_u64().unwrap_or_default();
        if seen.contains(&number) {
            return Ok(Shape::Recursive(name));
        }
        seen.push(number);
        let def = ty.get("def").context("a type without definition")?;
        let shape = if let Some(primitive) = def.get("primitive").and_then(Value::as_str) {
            Shape::Primitive(primitive.to_string())
        } else if let Some(inner) = def.pointer("/compact/type") {
            Shape::Compact(Box::new(self.shape(inner, seen)?))
        } else if let Some(inner) = def.pointer("/sequence/type") {
            Shape::Sequence(Box::new(self.shape(inner, seen)?))
        } else if let Some(array) = def.get("array") {
            let len = array.get("len").and_then(Value::as_u64).unwrap_or_default();
            let inner = array.get("type").context("an array without type")?;
            Shape::Array(len, Box::new(self.shape(inner, seen)?))
        } else if let Some(items) = def.get("tuple").and_then(Value::as_array) {
            Shape::Tuple(
                items
                    .iter()
                    .map(|item| self.shape(item, seen))
                    .collect::<Result<_>>()?,
            )
        } else if let Some(composite) = def.get("composite") {
            Shape::Composite {
                name,
                fields: self.fields(composite.get("fields"), seen)?,
            }
        } else if let Some(variant) = def.get("variant") {
            let variants = variant
                .get("variants")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            Shape::Variant {
                name,
                variants: variants
                    .iter()
                    .map(|v| {
                        Ok(Variant {
                            index: v.get("index").and_then(Value::as_u64).unwrap_or_default(),
                            name: v.get("name").and_then(Value::as_str).unwrap_or("").into(),
                            fields: self.fields(v.get("fields"), seen)?,
                        })
                    })
                    .collect::<Result<_>>()?,
            }
        } else if def.get("bitsequence").is_some() {
            Shape::BitSequence
        } else {
            bail!("type {number} has a definition this check does not know: {def}")
        };
        seen.pop();
        Ok(shape)
    }

    fn fields(&self, fields: Option<&Value>, seen: &mut Vec<u64>) -> Result<Vec<Field>> {
        let fields = fields.and_then(Value::as_array).map(Vec::as_slice);
        fields
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(n, field)| {
                Ok(Field {
                    name: field
                        .get("name")
                        .and_then(Value::as_str)
                        .map_or_else(|| n.to_string(), str::to_string),
                    shape: self.shape(field.get("type").context("a field without type")?, seen)?,
                })
            })
            .collect()
    }

    /// Adds the cell a `root` layout `node` describes (and the cells nested in it) to
    /// `cells`.
    fn cell(&self, node: &Value, path: &str, top: bool, cells: &mut Vec<Cell>) -> Result<()> {
        let key = node
            .get("root_key")
            .and_then(Value::as_str)
            .context("a cell without root key")?;
        let ty = self.get(node.get("ty").context("a cell without type")?)?;
        let kind = if top { "root".into() } else { self.name(ty) };
        let index = match ty.get("params").and_then(Value::as_array) {
            Some(params) if kind == "Mapping" => params
                .iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some("K"))
                .and_then(|p| p.get("type"))
                .map(|k| self.shape(k, &mut Vec::new()))
                .transpose()?,
            _ => None,
        };
        let type_id = |id: Option<&Value>| {
            id.and_then(Value::as_u64)
                .and_then(|id| u32::try_from(id).ok())
        };
        let param = |name: &str| {
            type_id(
                ty.get("params")
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some(name))?
                    .get("type"),
            )
        };
        let own = type_id(node.get("ty")).context("a cell type id that is no number")?;
        let (index_type, value_type) = if top {
            (None, own)
        } else {
            (param("K"), param("V").unwrap_or(own))
        };
        let layout = node.get("layout").context("a cell without layout")?;
        let value = self
            .layout(layout, path, cells)?
            .unwrap_or(Shape::Tuple(Vec::new()));
        cells.push(Cell {
            key: key.to_string(),
            path: path.to_string(),
            kind,
            index,
            value,
            index_type,
            value_type,
        });
        Ok(())
    }

    /// The shape `node` adds to the cell it is in, or `None` if it is a cell of its own
    /// (added to `cells`).
    fn layout(&self, node: &Value, path: &str, cells: &mut Vec<Cell>) -> Result<Option<Shape>> {
        if let Some(leaf) = node.get("leaf") {
            let ty = leaf.get("ty").context("a leaf without type")?;
            return Ok(Some(self.shape(ty, &mut Vec::new())?));
        }
        if let Some(root) = node.get("root") {
            self.cell(root, path, false, cells)?;
            return Ok(None);
        }
        if let Some(node) = node.get("struct") {
            return Ok(Some(Shape::Composite {
                name: node
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                fields: self.layout_fields(node.get("fields"), path, cells)?,
            }));
        }
        if let Some(node) = node.get("enum") {
            let mut variants = Vec::new();
            if let Some(map) = node.get("variants").and_then(Value::as_object) {
                for (index, variant) in map {
                    let name = variant.get("name").and_then(Value::as_str).unwrap_or("");
                    variants.push(Variant {
                        index: index.parse().context("a variant index that is no number")?,
                        name: name.into(),
                        fields: self.layout_fields(
                            variant.get("fields"),
                            &format!("{path}::{name}"),
                            cells,
                        )?,
                    });
                }
            }
            variants.sort_by_key(|v| v.index);
            return Ok(Some(Shape::Variant {
                name: node
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                variants,
            }));
        }
        if let Some(array) = node.get("array") {
            let len = array.get("len").and_then(Value::as_u64).unwrap_or_default();
            let inner = array.get("layout").context("an array without layout")?;
            let Some(shape) = self.layout(inner, path, cells)? else {
                bail!("{path}: an array of cells, which this check does not know");
            };
            return Ok(Some(Shape::Array(len, Box::new(shape))));
        }
        bail!("{path}: a layout this check does not know: {node}")
    }

    fn layout_fields(
        &self,
        fields: Option<&Value>,
        path: &str,
        cells: &mut Vec<Cell>,
    ) -> Result<Vec<Field>> {
        let mut out = Vec::new();
        let fields = fields.and_then(Value::as_array).map(Vec::as_slice);
        for (n, field) in fields.unwrap_or_default().iter().enumerate() {
            let name = field
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| n.to_string(), str::to_string);
            let layout = field.get("layout").context("a field without layout")?;
            // A field that is a cell of its own adds no bytes here.
            if let Some(shape) = self.layout(layout, &format!("{path}.{name}"), cells)? {
                out.push(Field { name, shape });
            }
        }
        Ok(out)
    }
}

/// How much a difference matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The new code reads the old bytes as they were meant.
    Compatible,
    /// The new code would misread the old bytes: a migration must rewrite them.
    Breaking,
    /// No migration can rewrite them in place.
    Refused,
}

/// One difference between two layouts, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub severity: Severity,
    pub words: String,
}

/// What the check concludes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The layouts are the same.
    Same,
    /// The new code reads every old cell as it was meant.
    Compatible,
    /// Breaking changes, which the new code's declared migration rewrites.
    Migrated { from: u64, to: u64 },
    /// The upgrade must not happen, for the reason given.
    Refused(String),
}

impl Verdict {
    /// Whether the upgrade may go ahead.
    pub fn allows(&self) -> bool {
        !matches!(self, Self::Refused(_))
    }
}

/// The comparison of a deployed layout with a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub contract: String,
    pub differences: Vec<Difference>,
    pub verdict: Verdict,
}

impl Comparison {
    /// The comparison in words: a line per difference, then the verdict.
    pub fn text(&self) -> String {
        let mut text = format!("{}:\n", self.contract);
        for difference in &self.differences {
            let mark = match difference.severity {
                Severity::Compatible => "ok",
                Severity::Breaking => "BREAKING",
                Severity::Refused => "REFUSED",
            };
            let _ = writeln!(text, "  {mark:<8} {}", difference.words);
        }
        let verdict = match &self.verdict {
            Verdict::Same => "the same layout".to_string(),
            Verdict::Compatible => "compatible: the new code reads the old storage".into(),
            Verdict::Migrated { from, to } => {
                format!("compatible through the migration from storage version {from} to {to}")
            }
            Verdict::Refused(reason) => format!("refused: {reason}"),
        };
        let _ = writeln!(text, "  => {verdict}");
        text
    }
}

/// Compares the storage layout of the deployed code (`old`) with that of the new code.
pub fn compare(old: &Layout, new: &Layout) -> Comparison {
    let mut differences = Vec::new();
    for cell in &old.cells {
        let Some(next) = new.cells.iter().find(|c| c.key == cell.key) else {
            differences.push(Difference {
                severity: Severity::Breaking,
                words: format!(
                    "cell {} ({}, {}) is gone: its data would stay in storage, unread",
                    cell.path, cell.kind, cell.key
                ),
            });
            continue;
        };
        let mut found = Vec::new();
        if next.path != cell.path {
            found.push((
                false,
                format!("held by {} now, was {}", next.path, cell.path),
            ));
        }
        if next.kind != cell.kind {
            found.push((
                true,
                format!(
                    "{}: a {} now, was a {}: it would read the old cell another way",
                    next.path, next.kind, cell.kind
                ),
            ));
        } else if let (Some(was), Some(is)) = (&cell.index, &next.index) {
            diff(was, is, &format!("{} (its key)", next.path), &mut found);
        }
        diff(&cell.value, &next.value, &next.path, &mut found);
        let root = cell.kind == "root";
        for (breaking, words) in found {
            let severity = match (breaking, root) {
                (false, _) => Severity::Compatible,
                (true, false) => Severity::Breaking,
                (true, true) => Severity::Refused,
            };
            let words = if severity == Severity::Refused {
                format!(
                    "{words}, in the root cell: ink! decodes it before every message, the \
                     migration's included, so no migration could run; new data belongs in a \
                     `Lazy` cell of its own"
                )
            } else {
                format!("{words} (cell {})", cell.key)
            };
            differences.push(Difference { severity, words });
        }
    }
    for cell in &new.cells {
        if !old.cells.iter().any(|c| c.key == cell.key) {
            differences.push(Difference {
                severity: Severity::Compatible,
                words: format!(
                    "new cell {} ({}, {}) starts empty",
                    cell.path, cell.kind, cell.key
                ),
            });
        }
    }
    let verdict = verdict(old, new, &differences);
    Comparison {
        contract: new.contract.clone(),
        differences,
        verdict,
    }
}

fn verdict(old: &Layout, new: &Layout, differences: &[Difference]) -> Verdict {
    let worst = differences.iter().map(|d| d.severity).max();
    let storage = |layout: &Layout| {
        layout
            .cells
            .iter()
            .find(|c| c.kind == "root")
            .map_or_else(|| "(none)".to_string(), |c| c.path.clone())
    };
    if storage(old) != storage(new) {
        return Verdict::Refused(format!(
            "the new code is another contract's: its storage is {}, the deployed code's {}",
            storage(new),
            storage(old)
        ));
    }
    if !old.upgradable {
        return Verdict::Refused(format!(
            "the deployed code has no `{UPGRADE_MESSAGE}` message, so it cannot replace its \
             code: deploy the new code and move the state (city export, city import)"
        ));
    }
    if !new.upgradable {
        return Verdict::Refused(format!(
            "the new code has no `{UPGRADE_MESSAGE}` message: the contract could never be \
             upgraded again"
        ));
    }
    let (Some(from), Some(to)) = (old.version, new.version) else {
        return Verdict::Refused(
            "a storage version is undeclared ([package.metadata.contract.user.storage] \
             version in the contract's Cargo.toml)"
                .into(),
        );
    };
    if worst == Some(Severity::Refused) {
        return Verdict::Refused("a change no migration can make (above)".into());
    }
    if to < from {
        return Verdict::Refused(format!(
            "storage version {to} is older than the deployed {from}"
        ));
    }
    if to > from {
        return if new.migrates_from.contains(&from) {
            Verdict::Migrated { from, to }
        } else {
            Verdict::Refused(format!(
                "storage version {to} declares no migration from the deployed {from}"
            ))
        };
    }
    match worst {
        None => Verdict::Same,
        Some(Severity::Compatible) => Verdict::Compatible,
        Some(_) => Verdict::Refused(format!(
            "breaking changes with the storage version still {from}: raise it and declare a \
             migration from {from}"
        )),
    }
}

/// Records the differences between shapes `old` and `new` of the value at `path` into
/// `found`, as (breaking, words).
fn diff(old: &Shape, new: &Shape, path: &str, found: &mut Vec<(bool, String)>) {
    use Shape::{Array, Compact, Composite, Sequence, Tuple, Variant as Enum};
    match (old, new) {
        (Compact(a), Compact(b)) | (Sequence(a), Sequence(b)) => diff(a, b, path, found),
        (Array(n, a), Array(m, b)) if n == m => diff(a, b, path, found),
        (Tuple(a), Tuple(b)) if a.len() == b.len() => {
            for (n, (a, b)) in a.iter().zip(b).enumerate() {
                diff(a, b, &format!("{path}.{n}"), found);
            }
        }
        (
            Composite {
                name: was,
                fields: old,
            },
            Composite { name, fields: new },
        ) => {
            if was != name {
                found.push((false, format!("{path}: type {was} renamed {name}")));
            }
            fields(old, new, path, found);
        }
        (
            Enum {
                name: was,
                variants: old,
            },
            Enum {
                name,
                variants: new,
            },
        ) => {
            if was != name {
                found.push((false, format!("{path}: enum {was} renamed {name}")));
            }
            for variant in old {
                match new.iter().find(|v| v.index == variant.index) {
                    None => found.push((
                        true,
                        format!(
                            "{path}: variant {} (index {}) removed: old values may hold it",
                            variant.name, variant.index
                        ),
                    )),
                    Some(next) => {
                        if next.name != variant.name {
                            // A variant that had another index: old values of each would
                            // read as the other.
                            let moved = old.iter().any(|v| v.name == next.name);
                            let words = if moved {
                                format!(
                                    "{path}: variant {} now has index {}, where {} was: old \
                                     values would be read as the other variant",
                                    next.name, next.index, variant.name
                                )
                            } else {
                                format!(
                                    "{path}: variant {} renamed {} (index {})",
                                    variant.name, next.name, next.index
                                )
                            };
                            found.push((moved, words));
                        }
                        fields(
                            &variant.fields,
                            &next.fields,
                            &format!("{path}::{}", next.name),
                            found,
                        );
                    }
                }
            }
            for variant in new {
                if !old.iter().any(|v| v.index == variant.index) {
                    found.push((
                        false,
                        format!(
                            "{path}: variant {} (index {}) added",
                            variant.name, variant.index
                        ),
                    ));
                }
            }
        }
        (old, new) if old == new => {}
        (old, new) => found.push((
            true,
            format!(
                "{path}: {} becomes {}: the old bytes would be misread",
                old.describe(),
                new.describe()
            ),
        )),
    }
}

/// Compares two field lists position by position (SCALE encodes them in order, unnamed).
fn fields(old: &[Field], new: &[Field], path: &str, found: &mut Vec<(bool, String)>) {
    for (at, (was, is)) in old.iter().zip(new).enumerate() {
        if was.name != is.name {
            // A name that was elsewhere moved: the bytes at this place now mean another
            // field (two fields swapped, say), which no rename explains.
            let moved = old
                .iter()
                .position(|f| f.name == is.name)
                .filter(|&p| p != at);
            found.push(match moved {
                Some(from) => (
                    true,
                    format!(
                        "{path}: field {} moved from place {from} to {at}, where {} was: the \
                         old bytes would be read as the other field",
                        is.name, was.name
                    ),
                ),
                None => (
                    false,
                    format!("{path}: field {} renamed {}", was.name, is.name),
                ),
            });
        }
        diff(&was.shape, &is.shape, &format!("{path}.{}", is.name), found);
    }
    for added in new.iter().skip(old.len()) {
        found.push((
            true,
            format!(
                "{path}.{}: field appended ({}): the old bytes end before it",
                added.name,
                added.shape.describe()
            ),
        ));
    }
    for removed in old.iter().skip(new.len()) {
        found.push((
            true,
            format!(
                "{path}.{}: field removed ({}): its old bytes would be left unread, which \
                 ink! refuses",
                removed.name,
                removed.shape.describe()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A token's metadata in miniature: `supply: u128`, `paused: bool` and `role: Role`
    /// in the root cell, and `balances: Mapping<AccountId, u128>` in a cell of its own.
    fn token() -> Value {
        json!({
            "contract": { "name": "token" },
            "user": { "storage": { "version": 1, "migrates_from": [] } },
            "spec": { "messages": [ { "label": UPGRADE_MESSAGE } ] },
            "types": [
                { "id": 0, "type": { "def": { "primitive": "u128" } } },
                { "id": 1, "type": { "def": { "primitive": "u32" } } },
                { "id": 2, "type": { "def": { "primitive": "bool" } } },
                { "id": 3, "type": {
                    "path": ["ink_storage", "lazy", "mapping", "Mapping"],
                    "params": [ { "name": "K", "type": 4 }, { "name": "V", "type": 0 } ],
                    "def": { "composite": {} } } },
                { "id": 4, "type": {
                    "path": ["ink_primitives", "types", "AccountId"],
                    "def": { "composite": { "fields": [ { "type": 5 } ] } } } },
                { "id": 5, "type": { "def": { "array": { "len": 32, "type": 6 } } } },
                { "id": 6, "type": { "def": { "primitive": "u8" } } },
                { "id": 7, "type": {
                    "path": ["token", "Role"],
                    "def": { "variant": { "variants": [
                        { "index": 0, "name": "Minter" },
                        { "index": 1, "name": "Pauser" } ] } } } },
                { "id": 8, "type": {
                    "path": ["ink_storage", "lazy", "Lazy"],
                    "params": [ { "name": "V", "type": 1 } ],
                    "def": { "composite": {} } } },
                { "id": 9, "type": { "path": ["token", "Token"], "def": { "composite": {} } } }
            ],
            "storage": { "root": {
                "root_key": "0x00000000",
                "ty": 9,
                "layout": { "struct": { "name": "Token", "fields": [
                    { "name": "supply", "layout": { "leaf": { "key": "0x00000000", "ty": 0 } } },
                    { "name": "paused", "layout": { "leaf": { "key": "0x00000000", "ty": 2 } } },
                    { "name": "role", "layout": { "leaf": { "key": "0x00000000", "ty": 7 } } },
                    { "name": "balances", "layout": { "root": {
                        "root_key": "0x11111111",
                        "ty": 3,
                        "layout": { "leaf": { "key": "0x11111111", "ty": 0 } } } } }
                ] } }
            } }
        })
    }

    fn root_fields(metadata: &mut Value) -> &mut Vec<Value> {
        metadata
            .pointer_mut("/storage/root/layout/struct/fields")
            .and_then(Value::as_array_mut)
            .expect("the root struct's fields")
    }

    fn declare(metadata: &mut Value, version: u64, migrates_from: &[u64]) {
        metadata["user"]["storage"] = json!({ "version": version, "migrates_from": migrates_from });
    }

    fn check(old: &Value, new: &Value) -> Comparison {
        compare(&Layout::of(old).unwrap(), &Layout::of(new).unwrap())
    }

    fn says(comparison: &Comparison, severity: Severity, words: &str) -> bool {
        comparison
            .differences
            .iter()
            .any(|d| d.severity == severity && d.words.contains(words))
    }

    #[test]
    fn the_cells_and_their_encodings_are_read_from_the_metadata() {
        let layout = Layout::of(&token()).unwrap();
        let keys: Vec<(&str, &str, &str)> = layout
            .cells
            .iter()
            .map(|c| (c.key.as_str(), c.path.as_str(), c.kind.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("0x11111111", "Token.balances", "Mapping"),
                ("0x00000000", "Token", "root")
            ]
        );
        let account = Shape::Composite {
            name: "AccountId".into(),
            fields: vec![Field {
                name: "0".into(),
                shape: Shape::Array(32, Box::new(Shape::Primitive("u8".into()))),
            }],
        };
        assert_eq!(layout.cells[0].index, Some(account));
        assert_eq!((layout.version, layout.upgradable), (Some(1), true));
    }

    #[test]
    fn the_same_layout_is_the_same() {
        let comparison = check(&token(), &token());
        assert_eq!(comparison.differences, []);
        assert_eq!(comparison.verdict, Verdict::Same);
    }

    #[test]
    fn renames_and_new_variants_read_the_old_bytes_as_they_were() {
        let mut new = token();
        root_fields(&mut new)[1]["name"] = json!("halted");
        new["types"][7]["type"]["def"]["variant"]["variants"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "index": 2, "name": "Auditor" }));
        let comparison = check(&token(), &new);
        assert!(says(
            &comparison,
            Severity::Compatible,
            "field paused renamed halted"
        ));
        assert!(says(
            &comparison,
            Severity::Compatible,
            "variant Auditor (index 2) added"
        ));
        assert_eq!(
            comparison.verdict,
            Verdict::Compatible,
            "{}",
            comparison.text()
        );
    }

    #[test]
    fn a_field_appended_to_the_root_cell_is_refused_even_with_a_migration() {
        let mut new = token();
        root_fields(&mut new).insert(
            3,
            json!({ "name": "fee", "layout": { "leaf": { "key": "0x00000000", "ty": 1 } } }),
        );
        declare(&mut new, 2, &[1]);
        let comparison = check(&token(), &new);
        assert!(
            says(
                &comparison,
                Severity::Refused,
                "Token.fee: field appended (u32)"
            ),
            "{}",
            comparison.text()
        );
        assert!(matches!(comparison.verdict, Verdict::Refused(_)));
    }

    #[test]
    fn a_new_cell_starts_empty_and_a_dropped_one_needs_a_migration() {
        let mut new = token();
        root_fields(&mut new).push(json!({ "name": "fee", "layout": { "root": {
            "root_key": "0x22222222", "ty": 8,
            "layout": { "leaf": { "key": "0x22222222", "ty": 1 } } } } }));
        let comparison = check(&token(), &new);
        assert!(says(
            &comparison,
            Severity::Compatible,
            "new cell Token.fee (Lazy, 0x22222222) starts empty"
        ));
        assert_eq!(comparison.verdict, Verdict::Compatible);

        let dropped = check(&new, &token());
        assert!(says(
            &dropped,
            Severity::Breaking,
            "cell Token.fee (Lazy, 0x22222222) is gone"
        ));
        assert!(matches!(dropped.verdict, Verdict::Refused(_)));
    }

    #[test]
    fn a_retyped_mapping_value_is_accepted_only_with_a_declared_migration() {
        let mut new = token();
        root_fields(&mut new)[3]["layout"]["root"]["layout"]["leaf"]["ty"] = json!(1);
        let breaking = "Token.balances: u128 becomes u32";
        let same_version = check(&token(), &new);
        assert!(
            says(&same_version, Severity::Breaking, breaking),
            "{}",
            same_version.text()
        );
        assert!(matches!(same_version.verdict, Verdict::Refused(ref r) if r.contains("raise it")));

        declare(&mut new, 2, &[]);
        let undeclared = check(&token(), &new);
        assert!(
            matches!(undeclared.verdict, Verdict::Refused(ref r) if r.contains("no migration from the deployed 1"))
        );

        declare(&mut new, 2, &[1]);
        assert_eq!(
            check(&token(), &new).verdict,
            Verdict::Migrated { from: 1, to: 2 }
        );
    }

    #[test]
    fn a_retyped_mapping_key_loses_every_entry() {
        let mut new = token();
        new["types"][3]["type"]["params"][0]["type"] = json!(1);
        let comparison = check(&token(), &new);
        assert!(
            says(
                &comparison,
                Severity::Breaking,
                "Token.balances (its key): struct AccountId becomes u32"
            ),
            "{}",
            comparison.text()
        );
    }

    #[test]
    fn a_removed_variant_and_a_retyped_root_field_are_refused() {
        let mut new = token();
        new["types"][7]["type"]["def"]["variant"]["variants"]
            .as_array_mut()
            .unwrap()
            .pop();
        root_fields(&mut new)[0]["layout"]["leaf"]["ty"] = json!(1);
        let comparison = check(&token(), &new);
        assert!(says(
            &comparison,
            Severity::Refused,
            "variant Pauser (index 1) removed"
        ));
        assert!(says(
            &comparison,
            Severity::Refused,
            "Token.supply: u128 becomes u32"
        ));
    }

    #[test]
    fn swapped_fields_and_variants_are_not_renames() {
        let mut old = token();
        root_fields(&mut old)[1]["layout"]["leaf"]["ty"] = json!(0);
        let mut new = old.clone();
        let fields = root_fields(&mut new);
        fields[0]["name"] = json!("paused");
        fields[1]["name"] = json!("supply");
        new["types"][7]["type"]["def"]["variant"]["variants"] =
            json!([{ "index": 0, "name": "Pauser" }, { "index": 1, "name": "Minter" }]);
        let comparison = check(&old, &new);
        assert!(
            says(
                &comparison,
                Severity::Refused,
                "field paused moved from place 1 to 0"
            ),
            "{}",
            comparison.text()
        );
        assert!(says(
            &comparison,
            Severity::Refused,
            "variant Pauser now has index 0, where Minter was"
        ));
    }

    #[test]
    fn a_cell_of_another_kind_at_the_same_key_is_breaking() {
        let mut old = token();
        root_fields(&mut old).push(json!({ "name": "fees", "layout": { "root": {
            "root_key": "0x22222222", "ty": 8,
            "layout": { "leaf": { "key": "0x22222222", "ty": 1 } } } } }));
        let mut new = old.clone();
        new["types"][8]["type"]["path"] = json!(["ink_storage", "lazy", "vec", "StorageVec"]);
        let comparison = check(&old, &new);
        assert!(
            says(
                &comparison,
                Severity::Breaking,
                "Token.fees: a StorageVec now, was a Lazy"
            ),
            "{}",
            comparison.text()
        );
    }

    #[test]
    fn another_contracts_code_is_refused() {
        let mut new = token();
        new["storage"]["root"]["layout"]["struct"]["name"] = json!("Escrow");
        let comparison = check(&token(), &new);
        assert!(
            matches!(&comparison.verdict, Verdict::Refused(r) if r.contains("another contract's")),
            "{}",
            comparison.text()
        );
    }

    #[test]
    fn downgrades_and_code_that_cannot_be_upgraded_again_are_refused() {
        let mut old = token();
        declare(&mut old, 2, &[1]);
        let downgrade = check(&old, &token());
        assert!(matches!(downgrade.verdict, Verdict::Refused(ref r) if r.contains("older")));

        let mut stuck = token();
        stuck["spec"]["messages"] = json!([]);
        assert!(
            matches!(check(&token(), &stuck).verdict, Verdict::Refused(ref r) if r.contains("never be"))
        );
        assert!(
            matches!(check(&stuck, &token()).verdict, Verdict::Refused(ref r) if r.contains("export"))
        );
    }
}

//! Failing cases kept as what they are: the shrunk sequence of steps, readable JSON in
//! `fuzz/regressions/`, with the suite they ran on and what caught them.
//! Replaying one plays its steps on that suite and asserts the recorded outcome: the same
//! failure, word for word (the same step, mechanism and values), or, for a failure since
//! fixed (`caught_by` and `reason` null), no failure at all.

use std::{fmt::Debug, fs, path::Path};

use anyhow::{ensure, Context, Result};
use city_traits::{Action, IdentityKind, Revoting, Role, Secrecy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Money, Step, World};

/// A failing case as a file keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regression {
    /// How it was found, in words.
    pub found: String,
    /// The broken variant it ran on (none: the real suite).
    pub broken: Option<String>,
    pub money: Money,
    /// What caught it ([`mechanism`]), and the failure's whole reason (the step, the
    /// values, what was predicted and answered); none if the suite now passes it.
    pub caught_by: Option<String>,
    pub reason: Option<String>,
    pub steps: Vec<Step>,
}

/// What caught a failure: the invariant it names, or the outcome comparison.
pub fn mechanism(reason: &str) -> &str {
    reason
        .split_once("invariant `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map_or("the model's prediction", |(name, _)| name)
}

impl Regression {
    /// Plays the steps on a fresh city of the recorded suite and checks the recorded
    /// outcome. Returns the failure's reason, if any.
    ///
    /// # Errors
    /// If the outcome differs from the recorded one, or the city cannot be deployed.
    pub fn replay(&self) -> Result<Option<String>> {
        let broken = self
            .broken
            .as_deref()
            .map(harness::bundles::broken_variant)
            .transpose()?;
        let outcome = World::new(broken, self.money)?.play(&self.steps).err();
        let caught_by = outcome.as_deref().map(mechanism);
        ensure!(
            caught_by == self.caught_by.as_deref() && outcome == self.reason,
            "{}: recorded as {:?}, replayed as {:?}",
            self.found,
            self.reason,
            outcome
        );
        Ok(outcome)
    }

    /// Every regression kept in `dir`, with its file's name.
    ///
    /// # Errors
    /// If a file cannot be read or parsed.
    pub fn load_all(dir: &Path) -> Result<Vec<(String, Self)>> {
        let mut all = Vec::new();
        if !dir.exists() {
            return Ok(all);
        }
        let mut paths: Vec<_> = fs::read_dir(dir)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<_, _>>()?;
        paths.sort();
        for path in paths
            .into_iter()
            .filter(|p| p.extension() == Some("json".as_ref()))
        {
            let text = fs::read_to_string(&path)?;
            let regression = serde_json::from_str(&text)
                .with_context(|| format!("reading {}", path.display()))?;
            let name = path.file_stem().unwrap_or_default().to_string_lossy();
            all.push((name.into_owned(), regression));
        }
        Ok(all)
    }

    /// Writes the regression to `dir/name.json`, one step per line.
    ///
    /// # Errors
    /// If the file cannot be written.
    pub fn save(&self, dir: &Path, name: &str) -> Result<()> {
        fs::create_dir_all(dir)?;
        let mut text = serde_json::to_string_pretty(&Self {
            steps: Vec::new(),
            ..self.clone()
        })?;
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<_, _>>()?;
        let list = format!("[\n    {}\n  ]", steps.join(",\n    "));
        text = text.replace("\"steps\": []", &format!("\"steps\": {list}"));
        fs::write(dir.join(format!("{name}.json")), text + "\n")?;
        Ok(())
    }
}

/// The contracts' enums in a regression file, by their variants' names.
pub mod by_name {
    use super::{
        Action, Debug, Deserialize, Deserializer, IdentityKind, Revoting, Role, Secrecy, Serializer,
    };
    use serde::de::Error as _;

    /// An enum with a list of its variants.
    pub trait Named: Sized + Copy + Debug + 'static {
        fn all() -> &'static [Self];
    }

    impl Named for Action {
        fn all() -> &'static [Self] {
            &Action::ALL
        }
    }

    impl Named for Role {
        fn all() -> &'static [Self] {
            &Role::ALL
        }
    }

    impl Named for IdentityKind {
        fn all() -> &'static [Self] {
            &IdentityKind::ALL
        }
    }

    impl Named for Secrecy {
        fn all() -> &'static [Self] {
            &[Secrecy::Public, Secrecy::Secret]
        }
    }

    impl Named for Revoting {
        fn all() -> &'static [Self] {
            &[Revoting::Refused, Revoting::Replaces]
        }
    }

    pub fn serialize<T: Named, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{value:?}"))
    }

    pub fn deserialize<'de, T: Named, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let name = String::deserialize(deserializer)?;
        T::all()
            .iter()
            .copied()
            .find(|value| format!("{value:?}") == name)
            .ok_or_else(|| D::Error::custom(format!("no variant {name}")))
    }
}

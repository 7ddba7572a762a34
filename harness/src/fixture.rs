//! The usual cities of the tests, described rather than scripted: who registers whom,
//! who holds coins and roles, who tracks votes, whether governance took the seats.
//!
//! ```no_run
//! use city_traits::IdentityKind;
//! use harness::{city::{ALICE, BOB}, Fixture};
//!
//! let city = Fixture::new()
//!     .citizens([ALICE, BOB])
//!     .holder(ALICE, 1_000)
//!     .governed()
//!     .build()
//!     .expect("the city is set up");
//! ```
//!
//! [`Fixture::build`] deploys the suite and then, in this order: makes `ADMIN` a
//! registrar (when anyone is registered or given a civic role), registers the identities,
//! grants the civic and the token roles, pays the holders from the treasury, turns on
//! vote tracking, hands the seats to governance, and moves to the next block. A refused
//! step is an error that names the call.

use anyhow::{Context, Result};
use city_traits::{CivicRole, GovernanceConfig, IdentityKind, Role};
use ink::primitives::AccountId;

use crate::city::{crowd_member, City, TokenConfig, ADMIN, GOVERNANCE};

/// How long a fixture's identities stay valid: a year.
const YEAR_MS: u64 = 365 * 86_400_000;

/// A city to set up; see the [module docs](self).
#[derive(Debug, Clone)]
#[must_use = "a fixture does nothing until it is built"]
pub struct Fixture {
    token: TokenConfig,
    governance: GovernanceConfig,
    registrar: bool,
    identities: Vec<(AccountId, IdentityKind, u64)>,
    civic_roles: Vec<(CivicRole, AccountId)>,
    token_roles: Vec<(Role, AccountId)>,
    holders: Vec<(AccountId, u128)>,
    voters: Vec<AccountId>,
    governed: bool,
    next_block: bool,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// The suite as [`City::new`] deploys it, nobody registered.
    pub fn new() -> Self {
        Self {
            token: TokenConfig::default(),
            governance: GOVERNANCE,
            registrar: false,
            identities: Vec::new(),
            civic_roles: Vec::new(),
            token_roles: Vec::new(),
            holders: Vec::new(),
            voters: Vec::new(),
            governed: false,
            next_block: false,
        }
    }

    /// The token made from `config`.
    pub fn token(mut self, config: TokenConfig) -> Self {
        self.token = config;
        self
    }

    /// `governance` as the rules of governance.
    pub fn governance(mut self, governance: GovernanceConfig) -> Self {
        self.governance = governance;
        self
    }

    /// `ADMIN` a registrar, even with nobody to register.
    pub fn registrar(mut self) -> Self {
        self.registrar = true;
        self
    }

    /// `who` registered as `kind`, valid for a year. Its document is the hash of its
    /// account, so no two fixture identities share one.
    pub fn identity(self, who: impl Into<AccountId>, kind: IdentityKind) -> Self {
        self.identity_for(who, kind, YEAR_MS)
    }

    /// `who` registered as `kind`, valid for `valid_ms` from the start.
    pub fn identity_for(
        mut self,
        who: impl Into<AccountId>,
        kind: IdentityKind,
        valid_ms: u64,
    ) -> Self {
        self.identities.push((who.into(), kind, valid_ms));
        self
    }

    /// Each of `who` registered as a citizen.
    pub fn citizens<A: Into<AccountId>>(self, who: impl IntoIterator<Item = A>) -> Self {
        who.into_iter().fold(self, |fixture, citizen| {
            fixture.identity(citizen, IdentityKind::Citizen)
        })
    }

    /// The first `count` members of `crowd` ([`crowd_member`]) registered as `kind`.
    pub fn crowd(self, crowd: &str, count: u32, kind: IdentityKind) -> Self {
        (0..count).fold(self, |fixture, n| {
            fixture.identity(crowd_member(crowd, n), kind)
        })
    }

    /// The registry's `role` granted to `who`.
    pub fn civic_role(mut self, role: CivicRole, who: impl Into<AccountId>) -> Self {
        self.civic_roles.push((role, who.into()));
        self
    }

    /// The token's `role` granted to `who`.
    pub fn token_role(mut self, role: Role, who: impl Into<AccountId>) -> Self {
        self.token_roles.push((role, who.into()));
        self
    }

    /// `amount` paid to `who` from the treasury (`ADMIN`).
    pub fn holder(mut self, who: impl Into<AccountId>, amount: u128) -> Self {
        self.holders.push((who.into(), amount));
        self
    }

    /// `who` tracking its voting power (`track_votes`).
    pub fn voter(mut self, who: impl Into<AccountId>) -> Self {
        self.voters.push(who.into());
        self
    }

    /// The admin seats handed to governance ([`City::hand_over_to_governance`]), then the
    /// next block.
    pub fn governed(mut self) -> Self {
        self.governed = true;
        self.next_block = true;
        self
    }

    /// The setup one block in the past, so that a poll opened now has it in its snapshot.
    pub fn next_block(mut self) -> Self {
        self.next_block = true;
        self
    }

    /// Deploys the suite and sets it up.
    ///
    /// # Errors
    /// If the suite does not deploy, or a step is refused (the error names the call).
    pub fn build(self) -> Result<City> {
        let mut city = City::with_parts(self.token, self.governance, None)?;
        if self.registrar || !self.identities.is_empty() || !self.civic_roles.is_empty() {
            city.registry(ADMIN)
                .grant_role(CivicRole::Registrar, ADMIN)
                .accepted()?;
        }
        let start = city.now_ms();
        for (who, kind, valid_ms) in self.identities {
            city.registry(ADMIN)
                .register(who, kind, document(who), start + valid_ms)
                .accepted()?;
        }
        for (role, who) in self.civic_roles {
            city.registry(ADMIN).grant_role(role, who).accepted()?;
        }
        for (role, who) in self.token_roles {
            city.token(ADMIN).grant_role(role, who).accepted()?;
        }
        for (who, amount) in self.holders {
            city.token(ADMIN).transfer(who, amount).accepted()?;
        }
        for voter in self.voters {
            city.token(voter).track_votes().accepted()?;
        }
        if self.governed {
            city.hand_over_to_governance()
                .context("handing the seats to governance")?;
        }
        if self.next_block {
            city.advance_blocks(1);
        }
        Ok(city)
    }
}

/// The document a fixture registers `who` with: the BLAKE2-256 hash of its account.
pub fn document(who: AccountId) -> [u8; 32] {
    let mut hash = [0; 32];
    ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(&("fixture-document", who), &mut hash);
    hash
}

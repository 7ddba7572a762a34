//! `city bench`: deterministic figures of the real bundles in the sandbox: Wasm size and the
//! weight (ref_time, proof_size) of the contracts' key messages, beside anchors measured in
//! the same run.

use anyhow::{Context, Result};
use city_traits::{Action, Attestation, IdentityKind, PSP22Error, Role};

use ink::{primitives::AccountId, selector_bytes};
use serde::Serialize;

mod charity;
mod escrow;
mod intents;
mod leases;
mod records;
mod voting;

pub use voting::{FEW_VOTERS, MANY_VOTERS};

use harness::{
    bundles,
    call::{input, Outcome},
    city::{
        crowd_member, numbered_id, Actor, City, Deployed, ADMIN, ALICE, BOB, CAROL, DAVE, SHOP,
    },
    readme::{thousands, Section},
    sandbox::Prices,
};

/// A yardstick measured in the same run as the suite, on a fresh sandbox (weights are
/// deterministic), and its call that ours are compared with.
#[derive(Debug, Clone, Serialize)]
pub struct Anchor {
    pub name: &'static str,
    /// What the measured call does.
    pub call: String,
    pub wasm_bytes: usize,
    pub ref_time: u64,
    pub proof_size: u64,
}

/// Measures the yardsticks of [`harness::bundles::YARDSTICKS`], built like the suite's
/// contracts: the PSP22 reference's transfer to a holder that already has a balance (as
/// the city token's measured transfer is), and the floor's write over a written cell.
///
/// # Errors
/// If a yardstick does not build, deploy or answer.
pub fn anchors() -> Result<Vec<Anchor>> {
    let mut city = City::new()?;
    let (name, symbol): (Option<String>, Option<String>) = (None, None);
    let reference = city.deploy(
        "psp22-reference",
        input(selector_bytes!("new"), (1_000_000u128, name, symbol, 0u8)),
    )?;
    for holder in [ALICE, BOB] {
        let args = (holder.account(), 10_000u128, Vec::<u8>::new());
        city.call::<Result<(), PSP22Error>>(
            &reference.address,
            ADMIN,
            input(selector_bytes!("PSP22::transfer"), args),
        )?
        .accepted()?;
    }
    let floor = city.deploy("floor", input(selector_bytes!("new"), ()))?;
    city.call::<()>(&floor.address, ADMIN, input(selector_bytes!("set"), 1u32))?;
    city.advance_blocks(1);

    let args = (BOB.account(), 100u128, Vec::<u8>::new());
    let transfer = city.call::<Result<(), PSP22Error>>(
        &reference.address,
        ALICE,
        input(selector_bytes!("PSP22::transfer"), args),
    )?;
    let set = city.call::<()>(&floor.address, ALICE, input(selector_bytes!("set"), 2u32))?;
    let transfer = Measurement::of("transfer", &transfer);
    let set = Measurement::of_query("set", &set);
    let anchor = |name, deployed: &Deployed, call: Measurement| Anchor {
        name,
        call: call.message,
        wasm_bytes: deployed.bundle.wasm.len(),
        ref_time: call.ref_time,
        proof_size: call.proof_size,
    };
    Ok(vec![
        anchor("PSP22 reference (psp22 2.0)", &reference, transfer),
        anchor("floor (one storage write)", &floor, set),
    ])
}

/// The weight one message used.
#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub message: String,
    pub ref_time: u64,
    pub proof_size: u64,
}

/// The size of one bundle's Wasm.
#[derive(Debug, Clone, Serialize)]
pub struct Size {
    pub contract: String,
    pub wasm_bytes: usize,
}

/// How the city token compares with an anchor.
#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    pub anchor: &'static str,
    pub wasm_size: f64,
    pub transfer_ref_time: f64,
    pub transfer_proof_size: f64,
}

/// Everything `city bench` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub sizes: Vec<Size>,
    /// The city token's messages.
    pub weights: Vec<Measurement>,
    /// The citizen registry's messages.
    pub registry_weights: Vec<Measurement>,
    /// The reward rules' messages (batches per attestation).
    pub reward_weights: Vec<Measurement>,
    /// `attest`'s ref_time with [`MANY_CITIZENS`] registered over [`FEW_CITIZENS`].
    pub attest_flatness: f64,
    /// E-voting's messages.
    pub voting_weights: Vec<Measurement>,
    /// `cast_vote`'s ref_time after [`MANY_VOTERS`] earlier votes over after
    /// [`FEW_VOTERS`].
    pub cast_vote_flatness: f64,
    /// The project escrow's messages (releases per worker).
    pub escrow_weights: Vec<Measurement>,
    /// Civic records' messages.
    pub records_weights: Vec<Measurement>,
    /// The intents contract's `submit`, for each kind of intent.
    pub intents_weights: Vec<Measurement>,
    /// The charity's messages.
    pub charity_weights: Vec<Measurement>,
    /// The leases' messages.
    pub leases_weights: Vec<Measurement>,
    pub anchors: Vec<Anchor>,
    pub ratios: Vec<Ratio>,
    pub floors: Floors,
}

/// The least two of issue 19's measured calls can cost by the contracts pallet's own
/// prices ([`harness::sandbox::prices`]) for what each must do, every other instruction,
/// read and proof left out: how far the bars (0.6e9 per wage, attest at 2.5x a
/// transfer) are from what the chain charges.
#[derive(Debug, Clone, Serialize)]
pub struct Floors {
    pub prices: Prices,
    /// A wage in a release of [`escrow::LONGEST_ROLL`], measured as the release over its
    /// workers (the contractor's payment too).
    pub wage: u64,
    /// A single `attest`.
    pub attest: u64,
    /// `attest`'s floor over the token's measured transfer.
    pub attest_over_transfer: f64,
}

impl Floors {
    fn of(sizes: &[Size], transfer: &Measurement) -> Self {
        let prices = harness::sandbox::prices();
        let p = &prices;
        let code = |contract: &str| {
            let bytes = sizes
                .iter()
                .find(|size| size.contract == contract)
                .map_or(0, |size| size.wasm_bytes);
            bytes as u64 * p.code_byte
        };
        let payment = p.payment();
        let workers = u64::from(escrow::LONGEST_ROLL);
        // Every worker and the contractor paid, each checked to be no contract;
        // `WagesPaid` (2 topics) and `MilestoneReleased` (4); the milestone and the project
        // written; the escrow's code, the token's, and the call between them.
        let release = (workers + 1) * (payment + p.is_contract)
            + 6 * p.topic
            + 2 * p.write
            + code("project-escrow")
            + code("city-token")
            + p.call;
        // The rules', the registry's and the token's code and the two calls; `Attested`
        // (signature, beneficiary) and the mint's `Transfer` (signature, to); the receipt,
        // the epoch's earnings and budget, the balance and the supply written.
        let attest = code("reward-rules")
            + code("citizen-registry")
            + code("city-token")
            + 2 * p.call
            + 4 * p.topic
            + 5 * p.write;
        Self {
            prices,
            wage: release / workers,
            attest,
            attest_over_transfer: attest as f64 / transfer.ref_time as f64,
        }
    }
}

/// Checks that `floor` is no more than the measured ref_time of `label` in `weights`.
fn at_most(floor: u64, weights: &[Measurement], label: &str) -> Result<()> {
    let measured = weights
        .iter()
        .find(|m| m.message == label)
        .with_context(|| format!("no measurement of {label}"))?;
    anyhow::ensure!(
        floor <= measured.ref_time,
        "the floor of {label}, {floor}, is above its measured {}: the prices are wrong",
        measured.ref_time
    );
    Ok(())
}

/// The plain transfer between two holders that the anchors are compared with.
const TRANSFER: &str = "transfer";

/// Milliseconds in a day.
const DAY_MS: u64 = 86_400_000;

/// Number of past blocks in which the `votes_at` and `kind_at` benchmark accounts changed.
pub const VOTES_HISTORY: u32 = 64;

/// Measures every figure on a fresh city.
pub fn run() -> Result<Report> {
    let mut city = City::new()?;
    let mut weights = Vec::new();

    // Given: alice and bob are plain holders, carol and dave vote with their tokens, the
    // shop is a provider, the admin mints and burns, and alice lets bob spend for her.
    for role in [Role::Minter, Role::Burner] {
        city.token(ADMIN).grant_role(role, ADMIN).expect_accepted();
    }
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHOP)
        .expect_accepted();
    for holder in [ALICE, BOB, CAROL, DAVE] {
        city.token(ADMIN).transfer(holder, 10_000).expect_accepted();
    }
    city.token(ALICE).approve(BOB, 1_000).expect_accepted();
    let track_votes = city.token(CAROL).track_votes();
    weights.push(Measurement::of("track_votes", &track_votes));
    city.token(DAVE).track_votes().expect_accepted();
    city.advance_blocks(1);

    let transfer = city.token(ALICE).transfer(BOB, 100);
    weights.push(Measurement::of(TRANSFER, &transfer));
    // Between voters, a new block's first transfer keeps a checkpoint in each cell...
    let voters = city.token(CAROL).transfer(DAVE, 100);
    weights.push(Measurement::of("transfer between voters", &voters));
    // ...and the next block's moves two checkpoints per side to the archive.
    city.advance_blocks(1);
    let archiving = city.token(CAROL).transfer(DAVE, 100);
    weights.push(Measurement::of(
        "transfer between voters (archiving)",
        &archiving,
    ));
    city.advance_blocks(1);
    let approve = city.token(ALICE).approve(CAROL, 500);
    weights.push(Measurement::of("approve", &approve));
    let transfer_from = city.token(BOB).transfer_from(ALICE, BOB, 100);
    weights.push(Measurement::of("transfer_from", &transfer_from));
    let mint = city.token(ADMIN).mint_to(ALICE, 100);
    weights.push(Measurement::of("mint_to", &mint));
    let burn = city.token(ADMIN).burn_from(ADMIN, 100);
    weights.push(Measurement::of("burn_from (own tokens)", &burn));
    let redeem = city.token(ALICE).redeem(SHOP, 100, b"order-1");
    weights.push(Measurement::of("redeem", &redeem));

    // votes_at with a long history: a binary search over VOTES_HISTORY checkpoints.
    for _ in 0..VOTES_HISTORY {
        city.advance_blocks(1);
        city.token(CAROL).transfer(DAVE, 1).expect_accepted();
    }
    city.advance_blocks(1);
    let early_block = city.block() - VOTES_HISTORY / 2;
    let votes = city.token(CAROL).votes_at(CAROL, early_block);
    let label = format!("votes_at ({VOTES_HISTORY} checkpoints)");
    weights.push(Measurement::of(&label, &votes));

    let sizes = bundles::CONTRACTS
        .iter()
        .chain(bundles::ADD_ONS)
        .map(|&contract| -> Result<Size> {
            Ok(Size {
                contract: contract.to_string(),
                wasm_bytes: bundles::load(contract)?.wasm.len(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let token_size = city.token.bundle.wasm.len() as f64;
    let transfer = weights
        .iter()
        .find(|measurement| measurement.message == TRANSFER)
        .expect("the transfer was measured");
    let anchors = anchors()?;
    let ratios = anchors
        .iter()
        .map(|anchor| Ratio {
            anchor: anchor.name,
            wasm_size: token_size / anchor.wasm_bytes as f64,
            transfer_ref_time: transfer.ref_time as f64 / anchor.ref_time as f64,
            transfer_proof_size: transfer.proof_size as f64 / anchor.proof_size as f64,
        })
        .collect();
    let registry_weights = registry_weights(&mut city);
    let (reward_weights, attest_flatness) = reward_weights()?;
    let (voting_weights, cast_vote_flatness) = voting::voting_weights()?;
    let escrow_weights = escrow::escrow_weights()?;
    let records_weights = records::records_weights()?;
    let intents_weights = intents::intents_weights()?;
    let charity_weights = charity::charity_weights()?;
    let leases_weights = leases::leases_weights()?;
    let floors = Floors::of(&sizes, transfer);
    // A floor is a lower bound: above its measurement, the prices or the count are wrong.
    let wage = format!("release of {} wages, per worker", escrow::LONGEST_ROLL);
    at_most(floors.wage, &escrow_weights, &wage)?;
    let attest = format!("attest ({FEW_CITIZENS} citizens)");
    at_most(floors.attest, &reward_weights, &attest)?;
    Ok(Report {
        sizes,
        weights,
        registry_weights,
        reward_weights,
        attest_flatness,
        voting_weights,
        cast_vote_flatness,
        escrow_weights,
        records_weights,
        intents_weights,
        charity_weights,
        leases_weights,
        anchors,
        ratios,
        floors,
    })
}

impl Report {
    /// The report as terminal tables.
    pub fn table(&self) -> String {
        let mut sizes = harness::table(&["contract", "Wasm bytes"], 1);
        for size in &self.sizes {
            sizes.add_row([size.contract.clone(), size.wasm_bytes.to_string()]);
        }
        let mut out = format!("Wasm size\n{sizes}\n");
        for (contract, weights, footer) in self.sections() {
            let mut rows = harness::table(&["message", "ref_time", "proof_size"], 1);
            for m in weights {
                rows.add_row([
                    m.message.clone(),
                    m.ref_time.to_string(),
                    m.proof_size.to_string(),
                ]);
            }
            out += &format!("\n{contract} weights\n{rows}\n");
            if let Some(footer) = footer {
                out += &format!("  {footer}\n");
            }
        }
        let mut anchors =
            harness::table(&["contract", "call", "wasm B", "ref_time", "proof_size"], 1);
        for a in &self.anchors {
            anchors.add_row([
                a.name.to_string(),
                a.call.to_string(),
                a.wasm_bytes.to_string(),
                a.ref_time.to_string(),
                a.proof_size.to_string(),
            ]);
        }
        let mut ratios = harness::table(&["anchor", "wasm", "ref_time", "proof_size"], 1);
        for r in &self.ratios {
            ratios.add_row([
                r.anchor.to_string(),
                format!("{:.2}x", r.wasm_size),
                format!("{:.2}x", r.transfer_ref_time),
                format!("{:.2}x", r.transfer_proof_size),
            ]);
        }
        out + &format!("\nanchors, measured in this run\n{anchors}\n\ncity-token transfer / anchor\n{ratios}\n")
    }
}

/// The README's lines that open and close the tables `city bench --readme` writes.
pub const README: Section = Section {
    begin: "<!-- city bench --readme: from here to the end mark -->",
    end: "<!-- city bench --readme: end -->",
};

impl Report {
    /// The figures as the README shows them: markdown tables, numbers with thousands
    /// separators.
    pub fn markdown(&self) -> String {
        let token = self
            .sizes
            .iter()
            .find(|size| size.contract == "city-token")
            .map_or(0, |size| size.wasm_bytes);
        let transfer = self
            .weights
            .iter()
            .find(|m| m.message == TRANSFER)
            .map_or((0, 0), |m| (m.ref_time, m.proof_size));
        let mut out = String::from(
            "| | Wasm (B) | transfer ref_time | transfer proof_size |\n|---|---:|---:|---:|\n",
        );
        out += &format!(
            "| **city-token** | **{}** | **{}** | **{}** |\n",
            thousands(token as u64),
            thousands(transfer.0),
            thousands(transfer.1)
        );
        for size in self
            .sizes
            .iter()
            .filter(|size| size.contract != "city-token")
        {
            out += &format!(
                "| {} | {} | | |\n",
                size.contract,
                thousands(size.wasm_bytes as u64)
            );
        }
        for a in &self.anchors {
            out += &format!(
                "| {} (`{}`) | {} | {} | {} |\n",
                a.name,
                a.call,
                thousands(a.wasm_bytes as u64),
                thousands(a.ref_time),
                thousands(a.proof_size)
            );
        }
        for r in &self.ratios {
            out += &format!(
                "| city-token / {} | {:.2}x | {:.2}x | {:.2}x |\n",
                r.anchor, r.wasm_size, r.transfer_ref_time, r.transfer_proof_size
            );
        }
        for (contract, weights, footer) in self.sections() {
            out += &format!("\n| {contract} message | ref_time | proof_size |\n|---|---:|---:|\n");
            for m in weights {
                out += &format!(
                    "| {} | {} | {} |\n",
                    m.message,
                    thousands(m.ref_time),
                    thousands(m.proof_size)
                );
            }
            if let Some(footer) = footer {
                out += &format!("\n{footer}.\n");
            }
        }
        out
    }

    /// Each contract's measurements, with the flatness ratio where there is one.
    fn sections(&self) -> [(&'static str, &[Measurement], Option<String>); 9] {
        let attest = format!(
            "attest with {} citizens registered over with {FEW_CITIZENS}: {:.3}x ref_time",
            thousands(MANY_CITIZENS.into()),
            self.attest_flatness
        );
        let attest = format!(
            "{attest}.\n\nBy the pallet's prices a single attest cannot cost less than {} \
             ref_time ({:.2}x the token's transfer above): the rules', the registry's and the \
             token's code, the two calls between them, the topics of its `Attested` and the \
             mint's `Transfer`, and five cells written (the receipt, the epoch's earnings and \
             budget, the balance, the supply)",
            thousands(self.floors.attest),
            self.floors.attest_over_transfer
        );
        let release = format!(
            "By the pallet's prices a wage in a release of {} cannot cost less than {} \
             ref_time: per payee its `Transfer`'s three topics, its balance cell read and \
             written and the escrow's contract check, and per release the escrow's and the \
             token's code, the call between them, four topics of `MilestoneReleased`, two of \
             `WagesPaid` and two cells written",
            escrow::LONGEST_ROLL,
            thousands(self.floors.wage)
        );
        let cast_vote = format!(
            "cast_vote after {} earlier votes over after {FEW_VOTERS}: {:.3}x ref_time",
            thousands(MANY_VOTERS.into()),
            self.cast_vote_flatness
        );
        [
            ("city-token", &self.weights, None),
            ("citizen-registry", &self.registry_weights, None),
            ("reward-rules", &self.reward_weights, Some(attest)),
            ("e-voting", &self.voting_weights, Some(cast_vote)),
            ("project-escrow", &self.escrow_weights, Some(release)),
            ("civic-records", &self.records_weights, None),
            ("intents", &self.intents_weights, None),
            ("charity", &self.charity_weights, None),
            ("leases", &self.leases_weights, None),
        ]
    }

    /// `readme` with its figures replaced by [`Report::markdown`], in [`README`].
    ///
    /// # Errors
    /// If `readme` lacks the marks.
    pub fn into_readme(&self, readme: &str) -> Result<String> {
        README.replace(readme, &self.markdown())
    }
}

impl Measurement {
    /// The weight of a call that must have succeeded.
    fn of<T, E: std::fmt::Debug>(message: &str, outcome: &Outcome<Result<T, E>>) -> Self {
        if let Err(error) = &outcome.value {
            panic!("{message} failed in the benchmark: {error:?}");
        }
        Self::of_query(message, outcome)
    }

    /// The weight of a call that cannot fail.
    fn of_query<T>(message: &str, outcome: &Outcome<T>) -> Self {
        Self {
            message: message.into(),
            ref_time: outcome.weight.ref_time(),
            proof_size: outcome.weight.proof_size(),
        }
    }
}

/// Citizens registered for the small and the large `attest` measurement.
pub const FEW_CITIZENS: u32 = 10;
pub const MANY_CITIZENS: u32 = 10_000;

/// Batch sizes whose weight per attestation is reported.
pub const BATCH_SIZES: [u32; 3] = [1, 10, 50];

/// A citizen of the crowd used by the reward benchmarks.
fn citizen(n: u32) -> AccountId {
    crowd_member("bench-citizen", n)
}

/// The reward rules' weights on a fresh city: a smart bin reports recyclables.
fn reward_weights() -> Result<(Vec<Measurement>, f64)> {
    let bin = Actor("bench-bin");
    let mut city = City::new()?;
    let year = city.now_ms() + 365 * DAY_MS;
    city.install_device(bin, &[Action::Recyclables])?;
    city.set_reward(Action::Recyclables, (200, 1_000), &[IdentityKind::Citizen])?;
    city.rewards(ADMIN)
        .set_limits(u128::MAX, u128::MAX)
        .expect_accepted();
    let mut registered = 0;
    let mut register_up_to = |city: &mut City, count: u32| {
        for n in registered..count {
            city.registry(ADMIN)
                .register(
                    citizen(n),
                    IdentityKind::Citizen,
                    numbered_id(0xd0, n),
                    year,
                )
                .expect_accepted();
            if n % 500 == 499 {
                city.advance_blocks(1);
            }
        }
        registered = count;
        city.advance_blocks(1);
    };
    let mut receipts = 0u32;
    let mut next_receipt = || {
        receipts += 1;
        numbered_id(0xee, receipts)
    };

    let mut weights = Vec::new();
    register_up_to(&mut city, FEW_CITIZENS);
    let few = city
        .rewards(bin)
        .attest(next_receipt(), citizen(1), Action::Recyclables, 2_500);
    weights.push(Measurement::of(
        &format!("attest ({FEW_CITIZENS} citizens)"),
        &few,
    ));
    for size in BATCH_SIZES {
        city.advance_blocks(1);
        let batch: Vec<Attestation> = (0..size)
            .map(|n| Attestation {
                receipt: next_receipt(),
                beneficiary: citizen(n % FEW_CITIZENS),
                action: Action::Recyclables,
                quantity: 2_500,
            })
            .collect();
        let outcome = city.rewards(bin).attest_batch(&batch);
        let mut per_item = Measurement::of(&format!("attest_batch of {size}, per item"), &outcome);
        per_item.ref_time /= u64::from(size);
        per_item.proof_size /= u64::from(size);
        weights.push(per_item);
    }
    register_up_to(&mut city, MANY_CITIZENS);
    let many = city.rewards(bin).attest(
        next_receipt(),
        citizen(MANY_CITIZENS - 1),
        Action::Recyclables,
        2_500,
    );
    weights.push(Measurement::of(
        &format!("attest ({MANY_CITIZENS} citizens)"),
        &many,
    ));
    let flatness = many.weight.ref_time() as f64 / few.weight.ref_time() as f64;
    Ok((weights, flatness))
}

/// The registry's key messages, each in its own block, on the city of [`run`].
fn registry_weights(city: &mut City) -> Vec<Measurement> {
    let mut weights = Vec::new();
    let year = city.now_ms() + 365 * DAY_MS;
    city.appoint_registrar(ADMIN)
        .expect("the admin becomes a registrar");
    city.advance_blocks(1);
    let register = city
        .registry(ADMIN)
        .register(ALICE, IdentityKind::Resident, [1; 32], year);
    weights.push(Measurement::of("register", &register));
    city.advance_blocks(1);
    let renew = city.registry(ADMIN).renew(ALICE, year + DAY_MS);
    weights.push(Measurement::of("renew", &renew));
    let kind_of = city.registry(BOB).kind_of(ALICE);
    weights.push(Measurement::of_query("kind_of", &kind_of));
    city.advance_blocks(1);
    let change_kind = city
        .registry(ADMIN)
        .change_kind(ALICE, IdentityKind::Citizen);
    weights.push(Measurement::of("change_kind", &change_kind));

    // kind_at with a long history: a binary search over HISTORY status checkpoints.
    for round in 0..VOTES_HISTORY {
        city.advance_blocks(1);
        let kind = [IdentityKind::Resident, IdentityKind::Citizen][round as usize % 2];
        city.registry(ADMIN)
            .change_kind(ALICE, kind)
            .expect_accepted();
    }
    city.advance_blocks(1);
    let early_block = city.block() - VOTES_HISTORY / 2;
    let kind_at = city.registry(BOB).kind_at(ALICE, early_block);
    let label = format!("kind_at ({VOTES_HISTORY} checkpoints)");
    weights.push(Measurement::of(&label, &kind_at));
    let counts_at = city.registry(BOB).eligible_counts_at(early_block);
    let label = format!("eligible_counts_at ({VOTES_HISTORY} checkpoints)");
    weights.push(Measurement::of(&label, &counts_at));
    let revoke = city.registry(ADMIN).revoke(ALICE);
    weights.push(Measurement::of("revoke", &revoke));
    weights
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let weight = |message: &str, ref_time| Measurement {
            message: message.into(),
            ref_time,
            proof_size: 35_790,
        };
        let sizes = vec![Size {
            contract: "city-token".into(),
            wasm_bytes: 26_195,
        }];
        let transfer = weight(TRANSFER, 1_836_562_469);
        Report {
            floors: Floors::of(&sizes, &transfer),
            sizes,
            weights: vec![transfer],
            registry_weights: vec![weight("register", 2_108_547_781)],
            reward_weights: Vec::new(),
            attest_flatness: 1.0,
            voting_weights: Vec::new(),
            cast_vote_flatness: 1.0,
            escrow_weights: Vec::new(),
            records_weights: Vec::new(),
            intents_weights: Vec::new(),
            charity_weights: Vec::new(),
            leases_weights: Vec::new(),
            anchors: Vec::new(),
            ratios: Vec::new(),
        }
    }

    #[test]
    fn a_readme_figure_off_by_one_digit_is_not_what_the_bench_writes() {
        let (begin, end) = (README.begin, README.end);
        let readme = format!("intro\n{begin}\nold\n{end}\nafter\n");
        let written = report().into_readme(&readme).unwrap();
        assert!(written.starts_with(&format!("intro\n{begin}\n")));
        assert!(written.ends_with(&format!("{end}\nafter\n")));
        // Written again, it is a fixed point: `--check` passes on what `--readme` wrote.
        assert_eq!(report().into_readme(&written).unwrap(), written);
        let edited = written.replacen("1,836,562,469", "1,836,562,468", 1);
        assert_ne!(edited, written);
        assert_eq!(report().into_readme(&edited).unwrap(), written);
        assert!(report().into_readme("no marks").is_err());
    }
}

//! # Charity
//!
//! Seoul's charity management on the chain: donors see where their money goes.
//!
//! - **A campaign** has a cause (the hash of its description), 0 to
//!   [`MAX_EARMARKS`](city_traits::MAX_EARMARKS) earmarks (food, heating, shelter beds),
//!   each with a purpose and a target, a deadline, an approval threshold, and what becomes
//!   of its unspent coins after the deadline ([`AtEnd`](city_traits::AtEnd)). A
//!   registered charity (a live identity of the registry with its service-provider role)
//!   opens it as its organiser, with a threshold no higher than the `max_threshold`
//!   governance sets; or governance opens it, and then only the admin seat runs it.
//! - **Pots**: the campaign as a whole ([`WHOLE`](city_traits::WHOLE)) and each earmark. Donors give city
//!   coins (`transfer_from`, after `approve`) to a pot before the deadline; a gift takes an
//!   earmark no further than its target. Each gift gets a receipt number and a
//!   `GiftReceived` event; where governance set receipts, also a record about the donor
//!   in civic records, and so does each refund claimed (`set_receipts`).
//! - **Recipients** hold a role for the campaign, which the organiser or governance grants:
//!   an account with a live identity in the registry (a service provider, or a registered
//!   beneficiary), never the organiser, never a contract.
//! - **Disbursements** pay a recipient from one pot, within what the pot holds, with the
//!   hash of the evidence (each hash pays once among one organiser's campaigns), before the deadline. The organiser pays
//!   a recipient up to the campaign's approval threshold in all; beyond it only governance
//!   (an executed proposal) pays. An organiser whose registration lapsed acts no more. The
//!   recipient's identity is checked again at each payment, and while
//!   the token's civic policy is in force only service providers are paid (the policy
//!   allows no coin to pass from one plain holder to another, through the charity or not).
//! - **Traceability**: a donor's share of each disbursement from a pot is its amount × the
//!   donor's gift to the pot ÷ everything that came into the pot, rounded down; `trace`
//!   answers it for any donor, with the share of a rollover and the refund. The rule is
//!   final at the deadline, when gifts stop.
//! - **After the deadline**: a campaign that refunds lets each donor claim back its share
//!   of each pot's unspent coins (gift × unspent ÷ given, rounded down, in 256 bits; the
//!   last donor of a pot to claim takes what is left, so no dust stays; a share of zero is
//!   claimed too, so the last donor is always reached). A campaign that
//!   rolls over is rolled by governance into another open campaign that rolls over too,
//!   as a gift to that campaign's whole: rolled coins go on to recipients, never to donors
//!   who did not give them.
//! - **Accounts**: per pot, `given + rolled_in == disbursed + refunded + rolled_out + held`,
//!   and the charity's token balance is the sum of what its pots hold, unless someone
//!   transferred coins to it directly: those are no gift to any pot, and no message moves
//!   them (as with any token sent to a contract that does not expect it). No coin leaves
//!   the charity other than to a recipient of the campaign or as a donor's refund.
//!
//! The ledger's rules live in a plain module, [`ledger`], unit-tested without an ink!
//! environment. Every message checks before it writes and writes before it calls the token
//! (checks-effects-interactions); the token is called without permission to re-enter.
//!
//! The admin seat moves in two steps (city-traits' [`Admin`](city_traits::Admin)), and
//! upgrades go through it (city-traits' `upgrade`). After the handover governance holds it.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod ledger;
#[cfg(test)]
mod tests;

#[ink::contract]
mod charity {
    use city_traits::{
        emit, receipt_hash, refund_hash,
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Admin, AdminError, AdminSeat, AtEnd, Campaign, CampaignId, CampaignPlan, CharityError,
        CivicRole, Disbursement, Pot, PotAccount, Receipts, Recipient, Role, Rolled, Trace,
        TransferPolicy, MAX_TRACE_HOPS, WHOLE,
    };
    use ink::{
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };

    use crate::ledger;

    /// The admin seat, the number of campaigns, and the highest approval threshold a
    /// charity's campaign may set.
    #[derive(Debug, Clone)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Settings {
        pub admin: AdminSeat,
        pub campaigns: CampaignId,
        pub max_threshold: Balance,
    }

    /// What one donor gave to one pot, and what it was refunded.
    #[derive(Debug, Clone, Copy, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Gift {
        pub given: Balance,
        pub refunded: Balance,
        pub claimed: bool,
    }

    /// A pot of a campaign.
    type PotKey = (CampaignId, Pot);
    /// A donor's gift to a pot.
    type GiftKey = (CampaignId, Pot, AccountId);
    /// A disbursement from a pot, by its number.
    type DisbursementKey = (CampaignId, Pot, u32);
    /// An evidence hash, in the space of the organiser of the campaign that paid against
    /// it (`None`: governance's campaigns).
    type EvidenceKey = (Option<AccountId>, [u8; 32]);

    /// The version of the storage layout this code reads and writes, and so the storage
    /// holds (`Cargo.toml` declares the same, `[package.metadata.contract.user.storage]`).
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    /// The storage this code reads and writes: the charity's, at [`STORAGE_VERSION`].
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("charity"),
        version: STORAGE_VERSION,
    };

    #[ink(storage)]
    pub struct Charity {
        token: AccountId,
        registry: AccountId,
        settings: Lazy<Settings>,
        campaigns: Mapping<CampaignId, Campaign>,
        pots: Mapping<PotKey, PotAccount>,
        gifts: Mapping<GiftKey, Gift>,
        recipients: Mapping<(CampaignId, AccountId), Recipient>,
        disbursements: Mapping<DisbursementKey, Disbursement>,
        /// Every evidence hash a disbursement was paid against, per organiser.
        evidence: Mapping<EvidenceKey, ()>,
        /// Where each gift's receipt record is written, if anywhere: a cell of its own,
        /// which storage written before receipts existed lacks (read as `None`).
        receipts: Lazy<Option<Receipts>>,
    }

    /// A campaign opened, by a charity (its organiser) or by governance (`governed`).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct CampaignOpened {
        #[ink(topic)]
        pub campaign: CampaignId,
        #[ink(topic)]
        pub opened_by: AccountId,
        pub governed: bool,
        pub cause: [u8; 32],
        pub earmarks: u8,
        pub deadline: Timestamp,
        pub approval_threshold: Balance,
        pub at_end: AtEnd,
    }

    /// An account became (`added`) or stopped being a recipient of a campaign.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RecipientChanged {
        #[ink(topic)]
        pub campaign: CampaignId,
        #[ink(topic)]
        pub recipient: AccountId,
        pub added: bool,
    }

    /// A donor gave `amount` to a pot: the gift's receipt.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct GiftReceived {
        #[ink(topic)]
        pub campaign: CampaignId,
        #[ink(topic)]
        pub donor: AccountId,
        pub pot: Pot,
        pub amount: Balance,
        /// The gift's number in the campaign, from zero.
        pub receipt: u64,
    }

    /// A recipient was paid from a pot against evidence; `index` is the disbursement's
    /// number in the pot.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct Disbursed {
        #[ink(topic)]
        pub campaign: CampaignId,
        #[ink(topic)]
        pub recipient: AccountId,
        pub pot: Pot,
        pub index: u32,
        pub amount: Balance,
        pub evidence: [u8; 32],
    }

    /// A donor claimed back `amount` from a pot.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RefundClaimed {
        #[ink(topic)]
        pub campaign: CampaignId,
        #[ink(topic)]
        pub donor: AccountId,
        pub pot: Pot,
        pub amount: Balance,
    }

    /// Governance chose where gifts' receipt records are written (`None`: nowhere).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ReceiptsSet {
        pub receipts: Option<Receipts>,
    }

    /// Governance set the highest approval threshold a charity's campaign may set.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct MaxThresholdSet {
        pub amount: Balance,
    }

    /// Governance rolled a campaign's unspent coins into another campaign's whole.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RolledOver {
        #[ink(topic)]
        pub from: CampaignId,
        #[ink(topic)]
        pub into: CampaignId,
        pub amount: Balance,
    }

    type Result<T> = core::result::Result<T, CharityError>;

    impl Charity {
        /// Creates a charity of `token` coins whose organisers and recipients are in
        /// `registry`, where a charity's campaign sets an approval threshold of at most
        /// `max_threshold`. The caller is admin (offer the seat to governance).
        #[ink(constructor)]
        pub fn new(token: AccountId, registry: AccountId, max_threshold: Balance) -> Self {
            let mut settings = Lazy::new();
            settings.set(&Settings {
                admin: AdminSeat::new(Self::env().caller()),
                campaigns: 0,
                max_threshold,
            });
            Self {
                token,
                registry,
                settings,
                campaigns: Mapping::new(),
                pots: Mapping::new(),
                gifts: Mapping::new(),
                recipients: Mapping::new(),
                disbursements: Mapping::new(),
                evidence: Mapping::new(),
                receipts: Lazy::new(),
            }
        }

        /// How many campaigns were opened; they are numbered from zero.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn campaign_count(&self) -> CampaignId {
            self.settings().campaigns
        }

        /// The highest approval threshold a charity's campaign may set.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn max_threshold(&self) -> Balance {
            self.settings().max_threshold
        }

        /// Sets the highest approval threshold a charity's campaign may set from now on
        /// (campaigns already open keep theirs). The admin's (governance's) alone.
        ///
        /// # Errors
        /// `NotAdmin`.
        ///
        /// # Events
        /// `MaxThresholdSet`.
        #[ink(message)]
        pub fn set_max_threshold(&mut self, amount: Balance) -> Result<()> {
            let mut settings = self.settings();
            if settings.admin.holder() != self.env().caller() {
                return Err(CharityError::NotAdmin);
            }
            settings.max_threshold = amount;
            self.settings.set(&settings);
            emit(&MaxThresholdSet { amount });
            Ok(())
        }

        /// Where each gift's receipt record is written: civic records' account and the
        /// schema the charity issues under, or `None`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn receipts(&self) -> Option<Receipts> {
            self.receipts.get().flatten()
        }

        /// Has every gift from now on written as a receipt record in civic records
        /// (`Some((civic records, schema))`), or no longer (`None`). The admin's
        /// (governance's) alone. For the records to be written, civic records' governance
        /// registers the schema (standalone, not expiring) and authorises the charity's
        /// account as its issuer, and the registry gives the charity's account the
        /// schema's role; until then every gift is refused (`ReceiptRefused`). Each refund
        /// claimed is written too (see [`Self::claim_refund`]).
        ///
        /// # Errors
        /// `NotAdmin`; `NotAContract` for civic records' account.
        ///
        /// # Events
        /// `ReceiptsSet`.
        #[ink(message)]
        pub fn set_receipts(&mut self, receipts: Option<Receipts>) -> Result<()> {
            if !self.is_admin(&self.env().caller()) {
                return Err(CharityError::NotAdmin);
            }
            if let Some((records, _)) = receipts {
                if !self.env().is_contract(&records) {
                    return Err(CharityError::NotAContract);
                }
            }
            self.receipts.set(&receipts);
            emit(&ReceiptsSet { receipts });
            Ok(())
        }

        /// A campaign, if it exists.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn campaign(&self, campaign: CampaignId) -> Option<Campaign> {
            self.campaigns.get(campaign)
        }

        /// A pot's ledger ([`WHOLE`](city_traits::WHOLE) or an earmark), if it exists.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn pot(&self, campaign: CampaignId, pot: Pot) -> Option<PotAccount> {
            self.pots.get((campaign, pot))
        }

        /// The disbursement numbered `index` from a pot, if it was paid.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn disbursement(
            &self,
            campaign: CampaignId,
            pot: Pot,
            index: u32,
        ) -> Option<Disbursement> {
            self.disbursements.get((campaign, pot, index))
        }

        /// Whether `account` is a recipient of a campaign (or was), and what the campaign
        /// paid it in all.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn recipient(&self, campaign: CampaignId, account: AccountId) -> Option<Recipient> {
            self.recipients.get((campaign, account))
        }

        /// The share of each disbursement from a pot of a gift of `gift` to it, by the
        /// rule of the crate docs (amount × gift ÷ everything that came in, rounded down),
        /// in the order they were paid; `None` for a pot that does not exist. A donor's
        /// share of a rollover (`Trace::rolled`) is its gift to the target's whole.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn shares(
            &self,
            campaign: CampaignId,
            pot: Pot,
            gift: Balance,
        ) -> Option<Vec<Disbursement>> {
            let account = self.pots.get((campaign, pot))?;
            Some(ledger::traced(
                &account,
                gift,
                &self.paid_from(campaign, pot, &account),
            ))
        }

        /// Where `donor`'s gift to a pot went, by the rule of the crate docs: its share of
        /// each disbursement, rounded down; its share of a rollover, followed from
        /// campaign to campaign (up to [`MAX_TRACE_HOPS`](city_traits::MAX_TRACE_HOPS);
        /// [`Charity::shares`] answers each hop's payments); what it was refunded and what
        /// it may claim back now. `None` for a pot that does not exist.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn trace(&self, campaign: CampaignId, pot: Pot, donor: AccountId) -> Option<Trace> {
            let data = self.campaigns.get(campaign)?;
            let account = self.pots.get((campaign, pot))?;
            let gift = self.gift(campaign, pot, donor);
            let now = self.env().block_timestamp();
            // Each rollover: the donor's share of what left is its gift to the next
            // campaign's whole, where rolled coins arrive.
            let mut rolled = Vec::new();
            let mut share = ledger::share(&account, gift.given, account.rolled_out);
            let mut next = data.rolled_into;
            while let Some(into) = next.filter(|_| rolled.len() < MAX_TRACE_HOPS) {
                let (Some(target), Some(whole)) =
                    (self.campaigns.get(into), self.pots.get((into, WHOLE)))
                else {
                    break;
                };
                rolled.push(Rolled {
                    campaign: into,
                    amount: share,
                });
                share = ledger::share(&whole, share, whole.rolled_out);
                next = target.rolled_into;
            }
            Some(Trace {
                given: gift.given,
                disbursed: ledger::traced(
                    &account,
                    gift.given,
                    &self.paid_from(campaign, pot, &account),
                ),
                rolled,
                refunded: gift.refunded,
                refundable: ledger::refund_due(&data, &account, (gift.given, gift.claimed), now)
                    .unwrap_or_default(),
            })
        }

        /// Opens a campaign. A registered charity (a live identity of the registry with
        /// its service-provider role) opens it as its organiser, with an approval
        /// threshold of at most [`Charity::max_threshold`]; the admin (governance) opens
        /// one that only the admin seat runs. Returns its number.
        ///
        /// # Errors
        /// `NotACharity`, `ThresholdTooHigh`, `BadEarmarks` (more than
        /// [`MAX_EARMARKS`](city_traits::MAX_EARMARKS), or a zero target),
        /// `DeadlinePassed`, `Overflow` (the numbers of campaigns ran out).
        ///
        /// # Events
        /// `CampaignOpened`.
        #[ink(message)]
        pub fn open_campaign(&mut self, plan: CampaignPlan) -> Result<CampaignId> {
            let caller = self.env().caller();
            let pots = ledger::open(&plan, self.env().block_timestamp())?;
            let mut settings = self.settings();
            let governed = settings.admin.holder() == caller;
            if !governed {
                if !self.is_charity(&caller) {
                    return Err(CharityError::NotACharity);
                }
                if plan.approval_threshold > settings.max_threshold {
                    return Err(CharityError::ThresholdTooHigh);
                }
            }
            let id = settings.campaigns;
            let Some(next) = id.checked_add(1) else {
                return Err(CharityError::Overflow);
            };
            settings.campaigns = next;
            // `ledger::open` allows at most MAX_EARMARKS (8): the count fits in a u8.
            let earmarks = u8::try_from(plan.earmarks.len()).unwrap_or(u8::MAX);
            let data = Campaign {
                cause: plan.cause,
                organiser: (!governed).then_some(caller),
                deadline: plan.deadline,
                approval_threshold: plan.approval_threshold,
                at_end: plan.at_end,
                earmarks,
                rolled_into: None,
                gifts: 0,
            };
            self.settings.set(&settings);
            self.campaigns.insert(id, &data);
            for (pot, account) in (0..=earmarks).zip(&pots) {
                self.pots.insert((id, pot), account);
            }
            emit(&CampaignOpened {
                campaign: id,
                opened_by: caller,
                governed,
                cause: plan.cause,
                earmarks,
                deadline: plan.deadline,
                approval_threshold: plan.approval_threshold,
                at_end: plan.at_end,
            });
            Ok(id)
        }

        /// Makes `account` a recipient of a campaign: an account with a live identity in
        /// the registry, not the organiser, not a contract. The organiser (while it is a
        /// registered charity) or governance may, before the deadline; adding a recipient
        /// twice changes nothing.
        ///
        /// # Errors
        /// `UnknownCampaign`, `NotOrganiser`, `NotACharity`, `CampaignClosed`,
        /// `NotEligible`.
        ///
        /// # Events
        /// `RecipientChanged` (`added`), unless it was a recipient already.
        #[ink(message)]
        pub fn add_recipient(&mut self, campaign: CampaignId, account: AccountId) -> Result<()> {
            let data = self.organised(campaign)?;
            if !ledger::is_open(&data, self.env().block_timestamp()) {
                return Err(CharityError::CampaignClosed);
            }
            if data.organiser == Some(account) || !self.eligible(&account) {
                return Err(CharityError::NotEligible);
            }
            let mut recipient = self.recipient(campaign, account).unwrap_or_default();
            if recipient.active {
                return Ok(());
            }
            recipient.active = true;
            self.recipients.insert((campaign, account), &recipient);
            emit(&RecipientChanged {
                campaign,
                recipient: account,
                added: true,
            });
            Ok(())
        }

        /// Takes the recipient role of a campaign from `account`; what it was paid stays
        /// on the record (and counts against the threshold if it is added again).
        ///
        /// # Errors
        /// `UnknownCampaign`, `NotOrganiser`, `NotACharity`, `NotARecipient`.
        ///
        /// # Events
        /// `RecipientChanged` (not `added`).
        #[ink(message)]
        pub fn remove_recipient(&mut self, campaign: CampaignId, account: AccountId) -> Result<()> {
            self.organised(campaign)?;
            let Some(mut recipient) = self.recipient(campaign, account).filter(|r| r.active) else {
                return Err(CharityError::NotARecipient);
            };
            recipient.active = false;
            self.recipients.insert((campaign, account), &recipient);
            emit(&RecipientChanged {
                campaign,
                recipient: account,
                added: false,
            });
            Ok(())
        }

        /// Gives `amount` of the caller's coins to a pot of a campaign (approve the charity
        /// first), before the deadline; an earmark takes no more than its target. Returns
        /// the gift's receipt number. Where governance set receipts ([`Self::set_receipts`]),
        /// the gift is also written in civic records as a record about the donor whose
        /// data hash is [`city_traits::receipt_hash`] of the campaign, the pot, the
        /// receipt number and the amount.
        ///
        /// # Errors
        /// `UnknownCampaign`, `UnknownPot`, `ZeroAmount`, `CampaignClosed`, `OverTarget`,
        /// `Overflow`, `TokenRefused` (allowance, balance, pause, the civic policy),
        /// `ReceiptRefused` (civic records refused the receipt record).
        ///
        /// # Events
        /// `GiftReceived`, the token's `Approval` and `Transfer`, and civic records'
        /// `RecordIssued` where receipts are set.
        #[ink(message)]
        pub fn give(&mut self, campaign: CampaignId, pot: Pot, amount: Balance) -> Result<u64> {
            let donor = self.env().caller();
            let (mut data, mut account) = self.campaign_pot(campaign, pot)?;
            ledger::give(&data, &mut account, amount, self.env().block_timestamp())?;
            let mut gift = self.gift(campaign, pot, donor);
            // Within the pot's `given`, which did not overflow.
            gift.given = gift.given.saturating_add(amount);
            let receipt = data.gifts;
            data.gifts = receipt.saturating_add(1);
            self.campaigns.insert(campaign, &data);
            self.pots.insert((campaign, pot), &account);
            self.gifts.insert((campaign, pot, donor), &gift);
            let charity = self.env().account_id();
            self.token()
                .transfer_from(donor, charity, amount, Vec::new())
                .map_err(CharityError::TokenRefused)?;
            self.write_receipt(donor, receipt_hash(campaign, pot, receipt, amount))?;
            emit(&GiftReceived {
                campaign,
                donor,
                pot,
                amount,
                receipt,
            });
            Ok(receipt)
        }

        /// Pays `amount` from a pot to a recipient of the campaign, against the hash of the
        /// evidence, before the deadline; an evidence hash pays once among the campaigns of
        /// one organiser (governance's campaigns share one space; another organiser's
        /// hashes never block these).
        /// The organiser (while it is a registered charity) pays a recipient up to the
        /// campaign's approval threshold in all; governance pays beyond it. Returns the
        /// disbursement's number in the pot.
        ///
        /// # Errors
        /// `UnknownCampaign`, `UnknownPot`, `NotOrganiser`, `NotACharity` (the organiser
        /// is no longer a registered charity), `NotARecipient`, `ZeroAmount`,
        /// `CampaignClosed`, `NoEvidence`, `EvidenceUsed`, `NotEnoughInPot`,
        /// `TooManyDisbursements`,
        /// `NeedsApproval`, `NotEligible` (the recipient's identity lapsed, or it is now a
        /// contract), `PolicyForbidsPayment` (the civic policy, and the recipient is no
        /// service provider), `Overflow`, `TokenRefused`.
        ///
        /// # Events
        /// `Disbursed`, and the token's `Transfer`.
        #[ink(message)]
        pub fn disburse(
            &mut self,
            campaign: CampaignId,
            pot: Pot,
            recipient: AccountId,
            amount: Balance,
            evidence: [u8; 32],
        ) -> Result<u32> {
            let (data, mut account) = self.campaign_pot(campaign, pot)?;
            let by_admin = self.organiser_or_admin(&data)?;
            if self.evidence.contains((data.organiser, evidence)) {
                return Err(CharityError::EvidenceUsed);
            }
            let Some(mut payee) = self.recipient(campaign, recipient).filter(|r| r.active) else {
                return Err(CharityError::NotARecipient);
            };
            let now = self.env().block_timestamp();
            payee.paid = ledger::disburse(
                &data,
                &mut account,
                (payee.paid, amount, evidence),
                (by_admin, now),
            )?;
            if !self.eligible(&recipient) {
                return Err(CharityError::NotEligible);
            }
            let token = self.civic_token();
            if token.transfer_policy() == TransferPolicy::Civic
                && !token.has_role(recipient, Role::ServiceProvider)
            {
                return Err(CharityError::PolicyForbidsPayment);
            }
            // `disburse` counted this one: its number is the count before it.
            let index = account.disbursements.saturating_sub(1);
            self.pots.insert((campaign, pot), &account);
            self.recipients.insert((campaign, recipient), &payee);
            self.evidence.insert((data.organiser, evidence), &());
            self.disbursements.insert(
                (campaign, pot, index),
                &Disbursement {
                    recipient,
                    amount,
                    evidence,
                    at: now,
                },
            );
            self.pay(&recipient, amount)?;
            emit(&Disbursed {
                campaign,
                recipient,
                pot,
                index,
                amount,
                evidence,
            });
            Ok(index)
        }

        /// Pays the caller its share of a pot's unspent coins, once the deadline of a
        /// campaign that refunds has passed: gift × (given − disbursed) ÷ given, rounded
        /// down (in 256 bits: it cannot overflow); the last donor of the pot to claim gets
        /// what is left. A share of zero is claimed like any other (nothing is paid), so
        /// that the last donor is always reached. Returns the amount.
        ///
        /// # Errors
        /// `UnknownCampaign`, `UnknownPot`, `CampaignOpen`, `NotRefunding`,
        /// `NothingToRefund` (no gift, or claimed already),
        /// `TokenRefused` (paused, say: the claim can be made again later),
        /// `ReceiptRefused` (receipts are set and civic records refused the refund's
        /// record: the claim can be made again once it accepts).
        ///
        /// # Events
        /// `RefundClaimed`, the token's `Transfer`, and civic records' `RecordIssued` where
        /// receipts are set and the refund is not zero (a record about the donor whose data
        /// hash is [`city_traits::refund_hash`]: a receipt is never net of a refund
        /// without the refund's record).
        #[ink(message)]
        pub fn claim_refund(&mut self, campaign: CampaignId, pot: Pot) -> Result<Balance> {
            let donor = self.env().caller();
            let (data, mut account) = self.campaign_pot(campaign, pot)?;
            let mut gift = self.gift(campaign, pot, donor);
            let amount = ledger::refund(
                &data,
                &mut account,
                (gift.given, gift.claimed),
                self.env().block_timestamp(),
            )?;
            gift.refunded = amount;
            gift.claimed = true;
            self.pots.insert((campaign, pot), &account);
            self.gifts.insert((campaign, pot, donor), &gift);
            self.pay(&donor, amount)?;
            if amount > 0 {
                self.write_receipt(donor, refund_hash(campaign, pot, amount))?;
            }
            emit(&RefundClaimed {
                campaign,
                donor,
                pot,
                amount,
            });
            Ok(amount)
        }

        /// Rolls the unspent coins of every pot of a campaign that declared a rollover,
        /// once its deadline passed, into the whole of `into`: another campaign, open,
        /// that rolls over too. Governance's alone. Returns the amount rolled.
        ///
        /// # Errors
        /// `NotAdmin`, `UnknownCampaign`, `CampaignOpen`, `NotRollingOver` (the campaign
        /// refunds, or was rolled already), `BadRollover`, `Overflow`.
        ///
        /// # Events
        /// `RolledOver`.
        #[ink(message)]
        pub fn roll_over(&mut self, campaign: CampaignId, into: CampaignId) -> Result<Balance> {
            if !self.is_admin(&self.env().caller()) {
                return Err(CharityError::NotAdmin);
            }
            let (Some(mut from), Some(to)) =
                (self.campaigns.get(campaign), self.campaigns.get(into))
            else {
                return Err(CharityError::UnknownCampaign);
            };
            ledger::ensure_rollover((&from, campaign), (&to, into), self.env().block_timestamp())?;
            let Some(mut whole) = self.pots.get((into, WHOLE)) else {
                return Err(CharityError::UnknownPot);
            };
            let mut amount: Balance = 0;
            for pot in 0..=from.earmarks {
                let Some(mut account) = self.pots.get((campaign, pot)) else {
                    continue;
                };
                let held = ledger::roll_out(&mut account);
                let Some(sum) = amount.checked_add(held) else {
                    return Err(CharityError::Overflow);
                };
                amount = sum;
                self.pots.insert((campaign, pot), &account);
            }
            let Some(rolled_in) = whole.rolled_in.checked_add(amount) else {
                return Err(CharityError::Overflow);
            };
            whole.rolled_in = rolled_in;
            from.rolled_into = Some(into);
            self.pots.insert((into, WHOLE), &whole);
            self.campaigns.insert(campaign, &from);
            emit(&RolledOver {
                from: campaign,
                into,
                amount,
            });
            Ok(amount)
        }

        fn settings(&self) -> Settings {
            // Set by the constructor, never removed.
            self.settings.get().unwrap_or_else(|| unreachable!())
        }

        /// Whether `account` holds the admin seat.
        fn is_admin(&self, account: &AccountId) -> bool {
            self.settings().admin.holder() == *account
        }

        /// Whether the caller is the admin or the organiser of `data` (a campaign
        /// governance opened has none), and which one, as whether it is the admin. An
        /// organiser acts only while it is a registered charity (governance still may).
        fn organiser_or_admin(&self, data: &Campaign) -> Result<bool> {
            let caller = self.env().caller();
            if self.is_admin(&caller) {
                return Ok(true);
            }
            if data.organiser != Some(caller) {
                return Err(CharityError::NotOrganiser);
            }
            if !self.is_charity(&caller) {
                return Err(CharityError::NotACharity);
            }
            Ok(false)
        }

        /// Whether `account` is a registered charity: a live identity of the registry
        /// with its service-provider role (the role alone outlives a revoked identity).
        fn is_charity(&self, account: &AccountId) -> bool {
            let registry = self.registry();
            registry.has_civic_role(*account, CivicRole::ServiceProvider)
                && registry.kind_of(*account).is_some()
        }

        /// A campaign the caller organises or governs.
        fn organised(&self, campaign: CampaignId) -> Result<Campaign> {
            let Some(data) = self.campaigns.get(campaign) else {
                return Err(CharityError::UnknownCampaign);
            };
            self.organiser_or_admin(&data)?;
            Ok(data)
        }

        /// A campaign and one of its pots.
        fn campaign_pot(&self, campaign: CampaignId, pot: Pot) -> Result<(Campaign, PotAccount)> {
            let Some(data) = self.campaigns.get(campaign) else {
                return Err(CharityError::UnknownCampaign);
            };
            let Some(account) = self.pots.get((campaign, pot)) else {
                return Err(CharityError::UnknownPot);
            };
            Ok((data, account))
        }

        /// Every disbursement paid from a pot, in order.
        fn paid_from(
            &self,
            campaign: CampaignId,
            pot: Pot,
            account: &PotAccount,
        ) -> Vec<Disbursement> {
            (0..account.disbursements)
                .filter_map(|index| self.disbursements.get((campaign, pot, index)))
                .collect()
        }

        /// What `donor` gave to a pot.
        fn gift(&self, campaign: CampaignId, pot: Pot, donor: AccountId) -> Gift {
            self.gifts.get((campaign, pot, donor)).unwrap_or_default()
        }

        /// Whether `account` may be paid: a live identity of the registry, not a contract.
        fn eligible(&self, account: &AccountId) -> bool {
            !self.env().is_contract(account) && self.registry().kind_of(*account).is_some()
        }

        /// Where receipts are set, writes a record about `donor` with `data_hash` in civic
        /// records; a refusal reverts the call.
        fn write_receipt(&self, donor: AccountId, data_hash: [u8; 32]) -> Result<()> {
            let Some((records, schema)) = self.receipts() else {
                return Ok(());
            };
            self.records(records)
                .issue(schema, donor, data_hash)
                .map(|_| ())
                .map_err(CharityError::ReceiptRefused)
        }

        /// Civic records at `account`, for receipt records (unit tests reach a stand-in).
        #[cfg(not(test))]
        fn records(&self, account: AccountId) -> city_traits::remote::CivicRecords {
            account.into()
        }

        #[cfg(test)]
        fn records(&self, _account: AccountId) -> city_traits::fakes::Records {
            city_traits::fakes::Records
        }

        /// Transfers `amount` of the charity's coins to `to` (nothing for zero); a refusal
        /// reverts the call.
        fn pay(&self, to: &AccountId, amount: Balance) -> Result<()> {
            if amount == 0 {
                return Ok(());
            }
            self.token()
                .transfer(*to, amount, Vec::new())
                .map_err(CharityError::TokenRefused)
        }
    }

    // The other contracts, through their traits (unit tests reach stand-ins instead).
    city_traits::peers! {
        impl Charity {
            fn token() -> remote::PSP22 { token }
            /// The token's civic side: its roles and transfer policy.
            fn civic_token() -> remote::CivicToken { token }
            fn registry() -> remote::IdentityRegistry { registry }
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for Charity {
        /// Replaces the charity's code with the uploaded `code_hash`, whose migration runs
        /// in the same call.
        ///
        /// # Errors
        /// `NotAdmin` unless the caller is the admin seat, `SameCode`, `CodeNotFound`,
        /// `MigrationFailed` (the old code stays).
        ///
        /// # Events
        /// `CodeUpgraded`, emitted by the new code.
        #[ink(message)]
        fn upgrade(&self, code_hash: Hash) -> core::result::Result<(), UpgradeError> {
            upgrade::upgrade(self.is_admin(&self.env().caller()), code_hash, LAYOUT)
        }

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the charity itself
        /// calls it, inside an upgrade.
        ///
        /// # Errors
        /// `NotUpgrading` outside an upgrade, `NoMigration` from another contract's storage
        /// or a version this code does not migrate from.
        ///
        /// # Events
        /// `CodeUpgraded`.
        #[ink(message)]
        fn migrate(&mut self) -> core::result::Result<(), UpgradeError> {
            upgrade::migration(LAYOUT, MIGRATES_FROM)?;
            Ok(())
        }
    }

    /// The admin seat, in two steps (city-traits' `admin` module documents it in full).
    impl Admin for Charity {
        /// The account holding the admin seat.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn admin(&self) -> AccountId {
            self.settings().admin.holder()
        }

        /// The account the admin seat is offered to, if an offer is pending.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn offered_admin(&self) -> Option<AccountId> {
            self.settings().admin.offered()
        }

        /// Offers the admin seat to `to` (e.g. the governance contract), replacing any
        /// pending offer; the caller keeps the seat until `to` accepts. An offer to the
        /// admin itself withdraws the pending offer.
        ///
        /// # Errors
        /// `NotAdmin` if the caller is not the admin, `ZeroAdmin` for the zero account.
        ///
        /// # Events
        /// `AdminOffered`.
        #[ink(message)]
        fn offer_admin(&mut self, to: AccountId) -> core::result::Result<(), AdminError> {
            let mut settings = self.settings();
            let offered = settings.admin.offer(self.env().caller(), to)?;
            self.settings.set(&settings);
            emit(&offered);
            Ok(())
        }

        /// The caller, to whom the seat is offered, becomes admin; the old admin keeps no
        /// power.
        ///
        /// # Errors
        /// `NotOffered` if the seat is not offered to the caller.
        ///
        /// # Events
        /// `AdminTransferred`.
        #[ink(message)]
        fn accept_admin(&mut self) -> core::result::Result<(), AdminError> {
            let mut settings = self.settings();
            let transferred = settings.admin.accept(self.env().caller())?;
            self.settings.set(&settings);
            emit(&transferred);
            Ok(())
        }
    }
}

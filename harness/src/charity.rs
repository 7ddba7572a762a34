//! Typed calls to the charity: `city.charity(DONOR).give(campaign, WHOLE, 500)`. Each method
//! sends the message of the same name; the contract documents what it does and refuses.

use city_traits::{
    Campaign, CampaignId, CampaignPlan, Chain, CharityError, CivicRole, Disbursement, Pot,
    PotAccount, Receipts, Recipient, Schema, SchemaId, Standing, Trace,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use drink::AccountId32;

use crate::{admin::AdminCalls, call::Outcome, city::City};

/// The charity, called by one actor.
pub struct CharityCalls<'a> {
    city: &'a mut City,
    address: AccountId32,
    caller: AccountId,
}

impl City {
    /// Calls the charity as `caller` (an actor or any account).
    pub fn charity(&mut self, caller: impl Into<AccountId>) -> CharityCalls<'_> {
        let address = self.charity.address.clone();
        CharityCalls {
            city: self,
            address,
            caller: caller.into(),
        }
    }
}

type CharityResult<T = ()> = Result<T, CharityError>;

impl City {
    /// `ADMIN` has every gift written as a receipt record in civic records: it registers
    /// the schema `charity-receipt` (standalone, neither revocable nor expiring, its
    /// issuers holding the registry's `Issuer` role), gives the charity's account the role
    /// and the schema's `Issuer` standing, and sets the charity's receipts; returns the
    /// schema's number.
    ///
    /// # Errors
    /// If `ADMIN` may not (the error names the call).
    pub fn write_gift_receipts(&mut self) -> anyhow::Result<SchemaId> {
        let charity = crate::city::contract_account(&self.charity);
        let schema = Schema {
            name: "charity-receipt".into(),
            issuer: CivicRole::Issuer,
            revocable: false,
            expires: false,
            chain: Chain::Standalone,
            reward: None,
        };
        let schema = self.register_schema(schema, &[(charity, Standing::Issuer)])?;
        self.grant_civic_role(CivicRole::Issuer, [charity])?;
        let records = crate::city::contract_account(&self.records);
        self.charity(crate::city::ADMIN)
            .set_receipts(Some((records, schema)))
            .accepted()?;
        Ok(schema)
    }
}

impl AdminCalls for CharityCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for CharityCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl CharityCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.city.send(&self.address, self.caller, selector, args)
    }

    pub fn campaign_count(self) -> Outcome<CampaignId> {
        self.send(selector_bytes!("campaign_count"), ())
    }

    pub fn max_threshold(self) -> Outcome<u128> {
        self.send(selector_bytes!("max_threshold"), ())
    }

    pub fn set_max_threshold(self, amount: u128) -> Outcome<CharityResult> {
        self.send(selector_bytes!("set_max_threshold"), amount)
    }

    pub fn receipts(self) -> Outcome<Option<Receipts>> {
        self.send(selector_bytes!("receipts"), ())
    }

    pub fn set_receipts(self, receipts: Option<Receipts>) -> Outcome<CharityResult> {
        self.send(selector_bytes!("set_receipts"), receipts)
    }

    pub fn campaign(self, campaign: CampaignId) -> Outcome<Option<Campaign>> {
        self.send(selector_bytes!("campaign"), campaign)
    }

    pub fn pot(self, campaign: CampaignId, pot: Pot) -> Outcome<Option<PotAccount>> {
        self.send(selector_bytes!("pot"), (campaign, pot))
    }

    pub fn disbursement(
        self,
        campaign: CampaignId,
        pot: Pot,
        index: u32,
    ) -> Outcome<Option<Disbursement>> {
        self.send(selector_bytes!("disbursement"), (campaign, pot, index))
    }

    pub fn recipient(
        self,
        campaign: CampaignId,
        account: impl Into<AccountId>,
    ) -> Outcome<Option<Recipient>> {
        self.send(selector_bytes!("recipient"), (campaign, account.into()))
    }

    pub fn shares(
        self,
        campaign: CampaignId,
        pot: Pot,
        gift: u128,
    ) -> Outcome<Option<Vec<Disbursement>>> {
        self.send(selector_bytes!("shares"), (campaign, pot, gift))
    }

    pub fn trace(
        self,
        campaign: CampaignId,
        pot: Pot,
        donor: impl Into<AccountId>,
    ) -> Outcome<Option<Trace>> {
        self.send(selector_bytes!("trace"), (campaign, pot, donor.into()))
    }

    pub fn open_campaign(self, plan: &CampaignPlan) -> Outcome<CharityResult<CampaignId>> {
        self.send(selector_bytes!("open_campaign"), plan)
    }

    pub fn add_recipient(
        self,
        campaign: CampaignId,
        account: impl Into<AccountId>,
    ) -> Outcome<CharityResult> {
        self.send(selector_bytes!("add_recipient"), (campaign, account.into()))
    }

    pub fn remove_recipient(
        self,
        campaign: CampaignId,
        account: impl Into<AccountId>,
    ) -> Outcome<CharityResult> {
        self.send(
            selector_bytes!("remove_recipient"),
            (campaign, account.into()),
        )
    }

    pub fn give(self, campaign: CampaignId, pot: Pot, amount: u128) -> Outcome<CharityResult<u64>> {
        self.send(selector_bytes!("give"), (campaign, pot, amount))
    }

    pub fn disburse(
        self,
        campaign: CampaignId,
        pot: Pot,
        recipient: impl Into<AccountId>,
        amount: u128,
        evidence: [u8; 32],
    ) -> Outcome<CharityResult<u32>> {
        self.send(
            selector_bytes!("disburse"),
            (campaign, pot, recipient.into(), amount, evidence),
        )
    }

    pub fn claim_refund(self, campaign: CampaignId, pot: Pot) -> Outcome<CharityResult<u128>> {
        self.send(selector_bytes!("claim_refund"), (campaign, pot))
    }

    pub fn roll_over(self, campaign: CampaignId, into: CampaignId) -> Outcome<CharityResult<u128>> {
        self.send(selector_bytes!("roll_over"), (campaign, into))
    }
}

/// Every charity message the harness calls, by metadata label, for checking that the typed
/// calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "campaign_count",
    "max_threshold",
    "set_max_threshold",
    "receipts",
    "set_receipts",
    "campaign",
    "pot",
    "disbursement",
    "recipient",
    "shares",
    "trace",
    "open_campaign",
    "add_recipient",
    "remove_recipient",
    "give",
    "disburse",
    "claim_refund",
    "roll_over",
    "Upgradable::upgrade",
    "Upgradable::migrate",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
];

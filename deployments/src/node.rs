//! Live nodes, reached over RPC with the libraries cargo-contract 5 is built on:
//! contract-extrinsics for uploads, instantiations and calls (each dry-run first, for its
//! weight and to refuse before paying), subxt for blocks and storage.

use std::{collections::BTreeMap, str::FromStr};

use anyhow::{anyhow, bail, ensure, Context, Result};
use contract_extrinsics::{
    pallet_contracts_primitives::StorageDeposit, CallCommandBuilder, ContractStorageRpc,
    ErrorVariant, ExtrinsicOptsBuilder, InstantiateCommandBuilder, UploadCommandBuilder,
};
use drink::AccountId32;
use subxt::{
    backend::{legacy::LegacyRpcMethods, rpc::RpcClient},
    dynamic::Value,
    tx::TxStatus,
    OnlineClient, SubstrateConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

use super::{Answer, Network, Plan};
use harness::bundles;

type Chain = SubstrateConfig;
type Env = ink::env::DefaultEnvironment;

/// A node at a plan's endpoint. Signers are secret URIs (`//Alice`, a mnemonic).
pub struct Node {
    endpoint: url::Url,
    runtime: tokio::runtime::Runtime,
    client: OnlineClient<Chain>,
    rpc: LegacyRpcMethods<Chain>,
    keys: BTreeMap<String, Keypair>,
}

impl Node {
    /// Connects to `plan`'s endpoint.
    ///
    /// # Errors
    /// If the plan has no endpoint or nothing answers there.
    pub fn connect(plan: &Plan) -> Result<Self> {
        let endpoint = plan
            .endpoint
            .as_deref()
            .ok_or_else(|| anyhow!("{} is a node network without an endpoint", plan.name))?;
        let endpoint = url::Url::parse(endpoint).with_context(|| format!("endpoint {endpoint}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (client, rpc) = runtime
            .block_on(async {
                let rpc = RpcClient::from_url(endpoint.as_str()).await?;
                let client = OnlineClient::<Chain>::from_rpc_client(rpc.clone()).await?;
                anyhow::Ok((client, LegacyRpcMethods::new(rpc)))
            })
            .with_context(|| {
                format!(
                    "no node answers at {endpoint} (for the local node: scripts/local-node start)"
                )
            })?;
        Ok(Self {
            endpoint,
            runtime,
            client,
            rpc,
            keys: BTreeMap::new(),
        })
    }

    fn key(&mut self, signer: &str) -> Result<Keypair> {
        if let Some(key) = self.keys.get(signer) {
            return Ok(key.clone());
        }
        // The secret URI itself never appears in an error: it may be a mnemonic.
        let uri =
            SecretUri::from_str(signer).map_err(|_| anyhow!("the signer is no secret URI"))?;
        let key = Keypair::from_uri(&uri).map_err(|_| anyhow!("the signer's URI makes no key"))?;
        self.keys.insert(signer.to_string(), key.clone());
        Ok(key)
    }

    /// Options for a transaction of `signer` with `bundle`'s code and metadata.
    fn options(
        &mut self,
        signer: &str,
        bundle: &'static str,
    ) -> Result<contract_extrinsics::extrinsic_opts::ExtrinsicOpts<Chain, Env, Keypair>> {
        bundles::load(bundle)?; // built if need be
        Ok(ExtrinsicOptsBuilder::new(self.key(signer)?)
            .file(Some(bundles::bundle_path(bundle)?))
            .url(self.endpoint.clone())
            .done())
    }

    /// Dry-runs `message`, returning the answer, the weight to give the transaction and
    /// the prepared call.
    fn dry_run(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<(
        Answer,
        drink::Weight,
        contract_extrinsics::CallExec<Chain, Env, Keypair>,
    )> {
        let options = self.options(signer, bundles::bundle_named(contract)?)?;
        let account = subxt::utils::AccountId32(*AsRef::<[u8; 32]>::as_ref(address));
        let exec = self.runtime.block_on(
            CallCommandBuilder::new(account, message, options)
                .args(args.to_vec())
                .done(),
        )?;
        let result = self.runtime.block_on(exec.call_dry_run())?;
        let returned = result.result.map_err(|error| {
            let metadata = exec.client().metadata();
            dispatch_error(&format!("{contract}.{message}"), &error, &metadata)
        })?;
        let value = exec
            .transcoder()
            .decode_message_return(message, &mut &returned.data[..])?;
        let answer = Answer::new(
            returned.data.clone(),
            &value,
            returned.did_revert(),
            result.gas_consumed,
            deposit(&result.storage_deposit),
        );
        Ok((answer, result.gas_required, exec))
    }
}

/// The newest block, finalized or not (a dev node finalizes with a delay; subxt's
/// `at_latest` is the newest finalized one).
async fn best(rpc: &LegacyRpcMethods<Chain>) -> Result<<Chain as subxt::Config>::Hash> {
    rpc.chain_get_block_hash(None)
        .await?
        .ok_or_else(|| anyhow!("the node names no best block"))
}

/// A storage deposit as (amount, refunded).
fn deposit(deposit: &StorageDeposit<u128>) -> (u128, bool) {
    match deposit {
        StorageDeposit::Charge(amount) => (*amount, false),
        StorageDeposit::Refund(amount) => (*amount, true),
    }
}

fn dispatch_error(
    what: &str,
    error: &ink_sandbox::DispatchError,
    metadata: &subxt::Metadata,
) -> anyhow::Error {
    match ErrorVariant::from_dispatch_error(error, metadata) {
        Ok(variant) => anyhow!("{what}: {variant}"),
        Err(_) => anyhow!("{what}: {error:?}"),
    }
}

impl Network for Node {
    fn account(&mut self, signer: &str) -> Result<AccountId32> {
        Ok(AccountId32::new(self.key(signer)?.public_key().0))
    }

    fn code_hash_at(&mut self, address: &AccountId32) -> Result<Option<[u8; 32]>> {
        let account = subxt::utils::AccountId32(*AsRef::<[u8; 32]>::as_ref(address));
        let query = subxt::dynamic::storage(
            "Contracts",
            "ContractInfoOf",
            vec![Value::from_bytes(account.0)],
        );
        let (client, rpc) = (&self.client, &self.rpc);
        self.runtime.block_on(async {
            let stored = client.storage().at(best(rpc).await?).fetch(&query).await?;
            if stored.is_none() {
                return Ok(None);
            }
            let info =
                contract_extrinsics::fetch_contract_info::<Chain, Env>(&account, rpc, client)
                    .await?;
            Ok(Some(info.code_hash().0))
        })
    }

    fn upload(&mut self, signer: &str, bundle: &str) -> Result<([u8; 32], Answer)> {
        let options = self.options(signer, bundles::bundle_named(bundle)?)?;
        let exec = self
            .runtime
            .block_on(UploadCommandBuilder::new(options).done())?;
        let hash = exec.code().code_hash();
        // The dry run refuses before paying (a code the chain rejects, a deposit too low).
        let dry_run = self.runtime.block_on(exec.upload_code_rpc())?;
        let deposit = dry_run
            .map_err(|error| {
                dispatch_error(
                    &format!("uploading {bundle}"),
                    &error,
                    &exec.client().metadata(),
                )
            })?
            .deposit;
        self.runtime
            .block_on(exec.upload_code())
            .map_err(|error| anyhow!("uploading {bundle}: {error}"))?;
        Ok((hash, Answer::uploaded(&hash, deposit)))
    }

    fn instantiate(
        &mut self,
        signer: &str,
        contract: &str,
        constructor: &str,
        args: &[String],
        salt: Vec<u8>,
    ) -> Result<(AccountId32, Answer)> {
        let options = self.options(signer, bundles::bundle_named(contract)?)?;
        let exec = self.runtime.block_on(
            InstantiateCommandBuilder::new(options)
                .constructor(constructor)
                .args(args.to_vec())
                .salt(Some(sp_core::Bytes(salt)))
                .done(),
        )?;
        let result = self.runtime.block_on(exec.instantiate_dry_run())?;
        let returned = result.result.map_err(|error| {
            dispatch_error(
                &format!("instantiating {contract}"),
                &error,
                &exec.client().metadata(),
            )
        })?;
        let value = exec
            .transcoder()
            .decode_constructor_return(constructor, &mut &returned.result.data[..])?;
        let answer = Answer::new(
            returned.result.data.clone(),
            &value,
            returned.result.did_revert(),
            result.gas_consumed,
            deposit(&result.storage_deposit),
        );
        ensure!(
            !answer.refused,
            "the constructor of {contract} refused: {}",
            answer.text
        );
        let done = self
            .runtime
            .block_on(exec.instantiate(Some(result.gas_required)))
            .map_err(|error| anyhow!("instantiating {contract}: {error}"))?;
        Ok((AccountId32::new(done.contract_address.0), answer))
    }

    fn call(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer> {
        let (answer, weight, exec) = self.dry_run(signer, contract, address, message, args)?;
        ensure!(
            !answer.refused,
            "{contract}.{message} refused: {}",
            answer.text
        );
        self.runtime
            .block_on(exec.call(Some(weight)))
            .map_err(|error| anyhow!("{contract}.{message}: {error}"))?;
        Ok(answer)
    }

    fn query(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer> {
        Ok(self.dry_run(signer, contract, address, message, args)?.0)
    }

    fn storage(&mut self, address: &AccountId32) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        let account = subxt::utils::AccountId32(*AsRef::<[u8; 32]>::as_ref(address));
        let endpoint = self.endpoint.clone();
        self.runtime.block_on(async {
            let rpc = ContractStorageRpc::<Chain>::new(&endpoint).await?;
            let info = rpc.fetch_contract_info::<Env>(&account).await?;
            let trie = info.trie_id();
            let mut cells = BTreeMap::new();
            let mut last: Option<Vec<u8>> = None;
            loop {
                const PAGE: u32 = 1000;
                let keys = rpc
                    .fetch_storage_keys_paged(trie, None, PAGE, last.as_deref(), None)
                    .await?;
                let values = rpc.fetch_storage_entries(trie, &keys, None).await?;
                for (key, value) in keys.iter().zip(values) {
                    if let Some(value) = value {
                        cells.insert(key.0.clone(), value.0);
                    }
                }
                if keys.len() < PAGE as usize {
                    return Ok(cells);
                }
                last = keys.last().map(|key| key.0.clone());
            }
        })
    }

    fn next_block(&mut self) -> Result<()> {
        // A dev node seals a block per transaction: a remark makes one. On a chain with
        // its own block time the remark lands in the next block anyway.
        let (first, _) = self.head()?;
        let key =
            self.keys.values().next().cloned().ok_or_else(|| {
                anyhow!("no signer yet: a block is awaited only after a transaction")
            })?;
        let remark = subxt::dynamic::tx("System", "remark", vec![Value::from_bytes(b"ink-city")]);
        let (client, rpc) = (&self.client, &self.rpc);
        self.runtime.block_on(async {
            // The nonce as the node's pool sees it (subxt's default reads the newest
            // finalized block, which lags behind a dev node's instant seal).
            let signer = <Keypair as subxt::tx::Signer<Chain>>::account_id(&key);
            let nonce = rpc.system_account_next_index(&signer).await?;
            let params = subxt::config::DefaultExtrinsicParamsBuilder::<Chain>::new()
                .nonce(nonce)
                .build();
            let mut progress = client
                .tx()
                .create_signed_offline(&remark, &key, params)?
                .submit_and_watch()
                .await?;
            while let Some(status) = progress.next().await {
                match status? {
                    TxStatus::InBestBlock(block) | TxStatus::InFinalizedBlock(block) => {
                        block.wait_for_success().await?;
                        return Ok(());
                    }
                    TxStatus::Error { message }
                    | TxStatus::Invalid { message }
                    | TxStatus::Dropped { message } => bail!("a remark failed: {message}"),
                    _ => {}
                }
            }
            bail!("the node stopped answering about a remark")
        })?;
        ensure!(self.head()?.0 > first, "no block followed the remark");
        Ok(())
    }

    fn genesis_hash(&mut self) -> Result<[u8; 32]> {
        Ok(self.client.genesis_hash().0)
    }

    fn head(&mut self) -> Result<(u32, u64)> {
        let (client, rpc) = (&self.client, &self.rpc);
        self.runtime.block_on(async {
            let block = client.blocks().at(best(rpc).await?).await?;
            let now = subxt::dynamic::storage("Timestamp", "Now", Vec::<Value>::new());
            let time = block
                .storage()
                .fetch(&now)
                .await?
                .map(|value| value.to_value())
                .transpose()?
                .and_then(|value| value.as_u128())
                .unwrap_or_default();
            Ok((block.number(), u64::try_from(time)?))
        })
    }
}

//! The relayer's durable queue: one SQLite table of every intent it accepted, in the order
//! it accepted them.
//!
//! An intent is written, and the write is on the disk (WAL, `synchronous = FULL`), before
//! the client hears that it was accepted; its status changes in transactions. A relayer
//! killed at any moment therefore finds, when it starts again, every intent it accepted,
//! each `queued`, `submitting` (sent to the chain in a batch whose outcome it did not
//! write down), `executed` or `failed`. [`Store::recover`] settles the `submitting` ones
//! by the signer's nonce on chain, which moves only when an intent of that nonce ran.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

/// Where an intent is in its life. `Submitting` is the relayer's own: clients see it as
/// `queued`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Queued,
    Submitting,
    Executed,
    /// Refused by the chain: the signer's nonce is still free for another intent.
    Failed,
    /// On a node, sent but not seen to run (the relayer stopped, or the connection
    /// dropped), and the signer's nonce has since been used: by this intent, or by
    /// another of the signer's with the same nonce sent elsewhere.
    Used,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Submitting => "submitting",
            Self::Executed => "executed",
            Self::Failed => "failed",
            Self::Used => "used",
        }
    }

    fn parse(name: &str) -> Self {
        match name {
            "submitting" => Self::Submitting,
            "executed" => Self::Executed,
            "failed" => Self::Failed,
            "used" => Self::Used,
            _ => Self::Queued,
        }
    }

    /// What a client is told.
    pub fn public(self) -> &'static str {
        match self {
            Self::Submitting => Self::Queued.name(),
            status => status.name(),
        }
    }
}

/// One accepted intent, as the queue keeps it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub signer: [u8; 32],
    pub nonce: u64,
    /// The SCALE bytes of the payload, as the client sent them.
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
    pub status: Status,
    /// Why it failed, or what settled it.
    pub detail: String,
    /// The block it ran in (an embedded chain's; on a node, the newest block after it).
    pub block: Option<u32>,
}

/// What `GET /intents/<id>` answers.
#[derive(Debug, Serialize)]
pub struct Report {
    pub id: i64,
    pub signer: String,
    pub nonce: u64,
    pub status: &'static str,
    pub detail: String,
    pub block: Option<u32>,
}

impl From<Entry> for Report {
    fn from(entry: Entry) -> Self {
        Self {
            id: entry.id,
            signer: format!("0x{}", hex::encode(entry.signer)),
            nonce: entry.nonce,
            status: entry.status.public(),
            detail: entry.detail,
            block: entry.block,
        }
    }
}

/// How an intent ended, as the relayer writes it down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: i64,
    pub status: Status,
    pub detail: String,
    pub block: Option<u32>,
}

/// A connection to the queue. The HTTP side and the submitter each hold one.
pub struct Store {
    db: Connection,
}

const COLUMNS: &str = "id, signer, nonce, payload, signature, status, detail, block";

impl Store {
    /// Opens the queue at `path`, creating it if there is none.
    ///
    /// # Errors
    /// If the file cannot be opened or is not the relayer's database.
    pub fn open(path: &Path) -> Result<Self> {
        let db = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS intents (
                 id INTEGER PRIMARY KEY,
                 signer BLOB NOT NULL,
                 nonce INTEGER NOT NULL,
                 payload BLOB NOT NULL,
                 signature BLOB NOT NULL,
                 status TEXT NOT NULL,
                 detail TEXT NOT NULL DEFAULT '',
                 block INTEGER,
                 accepted_ms INTEGER NOT NULL
             );
             -- One live intent per signer and nonce: a failed one leaves its nonce free.
             CREATE UNIQUE INDEX IF NOT EXISTS live_nonces ON intents (signer, nonce)
                 WHERE status != 'failed';
             CREATE INDEX IF NOT EXISTS by_status ON intents (status, id);
             CREATE INDEX IF NOT EXISTS by_signer ON intents (signer, accepted_ms);
             -- An embedded chain's state, written with the outcomes of the batch that
             -- made it: the relayer's own chain is always the one its queue describes.
             CREATE TABLE IF NOT EXISTS chain (
                 id INTEGER PRIMARY KEY CHECK (id = 0),
                 state BLOB NOT NULL
             );",
        )
        .with_context(|| format!("{} is not a relayer's queue", path.display()))?;
        Ok(Self { db })
    }

    /// The intent `id`.
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn get(&self, id: i64) -> Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM intents WHERE id = ?1");
        Ok(self.db.query_row(&sql, [id], entry).optional()?)
    }

    /// The intent of `signer` with `nonce` that the queue holds, unless it failed.
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn find(&self, signer: &[u8; 32], nonce: u64) -> Result<Option<i64>> {
        let nonce = i64::try_from(nonce).unwrap_or(i64::MAX);
        let sql = "SELECT id FROM intents WHERE signer = ?1 AND nonce = ?2 \
                   AND status != 'failed'";
        Ok(self
            .db
            .query_row(sql, params![&signer[..], nonce], |row| row.get(0))
            .optional()?)
    }

    /// The intent of `signer` still waiting to run, if any.
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn pending_of(&self, signer: &[u8; 32]) -> Result<Option<i64>> {
        let sql = "SELECT id FROM intents WHERE signer = ?1 \
                   AND status IN ('queued', 'submitting') LIMIT 1";
        Ok(self
            .db
            .query_row(sql, [&signer[..]], |row| row.get(0))
            .optional()?)
    }

    /// How many intents of `signer` were accepted at or after `since_ms` (Unix time).
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn accepted_since(&self, signer: &[u8; 32], since_ms: u64) -> Result<u64> {
        let since = i64::try_from(since_ms).unwrap_or(i64::MAX);
        let sql = "SELECT COUNT(*) FROM intents WHERE signer = ?1 AND accepted_ms >= ?2";
        let count: i64 = self
            .db
            .query_row(sql, params![&signer[..], since], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// How many intents wait to run (queued or being submitted).
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn waiting(&self) -> Result<u64> {
        let sql = "SELECT COUNT(*) FROM intents WHERE status IN ('queued', 'submitting')";
        let count: i64 = self.db.query_row(sql, [], |row| row.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// The state of the embedded chain as the last settled batch left it, if the relayer
    /// ever settled one.
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn chain_state(&self) -> Result<Option<Vec<u8>>> {
        let sql = "SELECT state FROM chain WHERE id = 0";
        Ok(self.db.query_row(sql, [], |row| row.get(0)).optional()?)
    }

    /// How many intents are in each status: queued (with those being submitted),
    /// executed, failed (with those whose nonce was used).
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn counts(&self) -> Result<Counts> {
        let mut counts = Counts::default();
        let mut rows = self
            .db
            .prepare("SELECT status, COUNT(*) FROM intents GROUP BY status")?;
        let rows = rows.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (status, count) = row?;
            let count = u64::try_from(count).unwrap_or(0);
            match Status::parse(&status) {
                Status::Queued | Status::Submitting => counts.queued += count,
                Status::Executed => counts.executed += count,
                Status::Failed | Status::Used => counts.failed += count,
            }
        }
        Ok(counts)
    }

    /// Writes down a new intent as `queued` and returns its id; the write is on the disk
    /// when this returns.
    ///
    /// # Errors
    /// If `signer` already has an intent with `nonce` (the caller checks [`Store::find`]
    /// first) or the database cannot be written.
    pub fn accept(
        &self,
        signer: &[u8; 32],
        nonce: u64,
        payload: &[u8],
        signature: &[u8],
        now_ms: u64,
    ) -> Result<i64> {
        let nonce = i64::try_from(nonce).context("a nonce beyond 2^63")?;
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        self.db.execute(
            "INSERT INTO intents (signer, nonce, payload, signature, status, accepted_ms) \
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5)",
            params![&signer[..], nonce, payload, signature, now],
        )?;
        Ok(self.db.last_insert_rowid())
    }

    /// Takes up to `limit` queued intents, oldest first, and marks them `submitting`.
    ///
    /// # Errors
    /// If the database cannot be written.
    pub fn claim(&mut self, limit: usize) -> Result<Vec<Entry>> {
        // Immediate: a deferred transaction that reads, then writes after the other
        // connection wrote, fails at once (a stale snapshot) instead of waiting.
        let transaction = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let claimed = {
            let sql = format!(
                "SELECT {COLUMNS} FROM intents WHERE status = 'queued' ORDER BY id LIMIT ?1"
            );
            let mut select = transaction.prepare(&sql)?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let claimed = select
                .query_map([limit], entry)?
                .collect::<rusqlite::Result<Vec<Entry>>>()?;
            let mut mark =
                transaction.prepare("UPDATE intents SET status = 'submitting' WHERE id = ?1")?;
            for entry in &claimed {
                mark.execute([entry.id])?;
            }
            claimed
        };
        transaction.commit()?;
        Ok(claimed)
    }

    /// The intents marked `submitting` by a relayer that stopped before it wrote down how
    /// they ended.
    ///
    /// # Errors
    /// If the database cannot be read.
    pub fn submitting(&self) -> Result<Vec<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM intents WHERE status = 'submitting' ORDER BY id");
        let mut select = self.db.prepare(&sql)?;
        let entries = select
            .query_map([], entry)?
            .collect::<rusqlite::Result<Vec<Entry>>>()?;
        Ok(entries)
    }

    /// Writes down how `outcomes` ended, and the embedded chain's `state` after them
    /// (none for a node), all in one transaction.
    ///
    /// # Errors
    /// If the database cannot be written.
    pub fn settle(&mut self, outcomes: &[Outcome], state: Option<&[u8]>) -> Result<()> {
        let transaction = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut update = transaction
                .prepare("UPDATE intents SET status = ?2, detail = ?3, block = ?4 WHERE id = ?1")?;
            for outcome in outcomes {
                update.execute(params![
                    outcome.id,
                    outcome.status.name(),
                    outcome.detail,
                    outcome.block
                ])?;
            }
        }
        if let Some(state) = state {
            transaction.execute(
                "INSERT INTO chain (id, state) VALUES (0, ?1) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state",
                [state],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }
}

/// Intents by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub queued: u64,
    pub executed: u64,
    pub failed: u64,
}

fn entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let signer: Vec<u8> = row.get(1)?;
    let nonce: i64 = row.get(2)?;
    let status: String = row.get(5)?;
    Ok(Entry {
        id: row.get(0)?,
        signer: signer.try_into().unwrap_or([0; 32]),
        nonce: u64::try_from(nonce).unwrap_or(0),
        payload: row.get(3)?,
        signature: row.get(4)?,
        status: Status::parse(&status),
        detail: row.get(6)?,
        block: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("queue.sqlite")).unwrap();
        (dir, store)
    }

    #[test]
    fn an_intent_is_found_by_its_signer_and_nonce_until_it_fails_and_survives_a_reopening() {
        let (dir, store) = store();
        let id = store.accept(&[1; 32], 0, b"payload", &[2; 65], 10).unwrap();
        assert_eq!(store.find(&[1; 32], 0).unwrap(), Some(id));
        assert_eq!(store.find(&[1; 32], 1).unwrap(), None);
        assert_eq!(store.pending_of(&[1; 32]).unwrap(), Some(id));
        assert!(store.accept(&[1; 32], 0, b"other", &[3; 65], 11).is_err());
        // A failed intent leaves its nonce free for another.
        let mut store = store;
        store
            .settle(
                &[Outcome {
                    id,
                    status: Status::Failed,
                    detail: "Expired".into(),
                    block: None,
                }],
                None,
            )
            .unwrap();
        assert_eq!(store.find(&[1; 32], 0).unwrap(), None);
        let again = store.accept(&[1; 32], 0, b"again", &[4; 65], 12).unwrap();
        assert_eq!(store.find(&[1; 32], 0).unwrap(), Some(again));
        drop(store);
        let store = Store::open(&dir.path().join("queue.sqlite")).unwrap();
        let entry = store.get(again).unwrap().unwrap();
        assert_eq!(
            (entry.payload.as_slice(), entry.status, entry.nonce),
            (&b"again"[..], Status::Queued, 0)
        );
        assert_eq!(store.get(id).unwrap().unwrap().status, Status::Failed);
    }

    /// The HTTP side writes while the submitter claims and settles: neither may fail
    /// on the other's writes (a deferred transaction that reads before it writes would:
    /// SQLite refuses it at once when its snapshot went stale).
    #[test]
    fn the_submitter_claims_and_settles_while_requests_are_written() {
        let (dir, mut submitter) = store();
        let path = dir.path().join("queue.sqlite");
        let writer = std::thread::spawn(move || {
            let requests = Store::open(&path).unwrap();
            for n in 0..2_000u32 {
                let mut signer = [0; 32];
                signer[..4].copy_from_slice(&n.to_le_bytes());
                requests.accept(&signer, 0, b"p", &[0; 65], 1).unwrap();
            }
        });
        let mut settled = 0;
        while settled < 2_000 {
            let outcomes: Vec<Outcome> = submitter
                .claim(7)
                .unwrap()
                .into_iter()
                .map(|entry| Outcome {
                    id: entry.id,
                    status: Status::Executed,
                    detail: String::new(),
                    block: Some(1),
                })
                .collect();
            submitter.settle(&outcomes, None).unwrap();
            settled += outcomes.len();
        }
        writer.join().unwrap();
        assert_eq!(submitter.counts().unwrap().executed, 2_000);
    }

    #[test]
    fn claims_take_the_oldest_first_and_settling_ends_them() {
        let (_dir, mut store) = store();
        let ids: Vec<i64> = (0..3u8)
            .map(|signer| store.accept(&[signer; 32], 0, b"p", &[0; 65], 5).unwrap())
            .collect();
        let claimed = store.claim(2).unwrap();
        assert_eq!(claimed.iter().map(|e| e.id).collect::<Vec<_>>(), ids[..2]);
        assert_eq!(
            store.get(ids[0]).unwrap().unwrap().status.public(),
            "queued"
        );
        assert_eq!(store.submitting().unwrap().len(), 2);
        store
            .settle(
                &[Outcome {
                    id: ids[0],
                    status: Status::Executed,
                    detail: String::new(),
                    block: Some(7),
                }],
                Some(b"the chain"),
            )
            .unwrap();
        assert_eq!(
            store.chain_state().unwrap().as_deref(),
            Some(&b"the chain"[..])
        );
        assert_eq!(store.pending_of(&[0; 32]).unwrap(), None);
        let counts = store.counts().unwrap();
        assert_eq!((counts.queued, counts.executed, counts.failed), (2, 1, 0));
        assert_eq!(store.accepted_since(&[1; 32], 5).unwrap(), 1);
        assert_eq!(store.accepted_since(&[1; 32], 6).unwrap(), 0);
    }
}

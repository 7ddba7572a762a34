//! Values that remember what they were at the end of every past block.
//!
//! A [`History`] keeps the block its value last changed in. When the value changes in a
//! later block, the amount it had until then becomes a [`Checkpoint`]; further changes in
//! the same block record nothing. A new checkpoint first waits in the value's
//! storage cell; the next one moves both to the archive as one [`Page`], so only every
//! second checkpoint costs an extra storage write. Reading a past block is a binary search
//! over the pages.
//!
//! Pages of two, with the waiting checkpoint an `Option`, measured cheaper than longer
//! pages: a longer waiting list makes every balance cell bigger, and the contracts pallet
//! charges for every byte a call decodes and encodes as well as for the extra Wasm.

use city_traits::{Balance, BlockNumber};

/// How many checkpoints an archive page holds.
pub const PAGE_LEN: usize = 2;

/// The amount a value held at the end of `block` and kept until its next checkpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Checkpoint {
    pub block: BlockNumber,
    pub value: Balance,
}

/// Checkpoints moved to the archive together, oldest first.
pub type Page = [Checkpoint; PAGE_LEN];

/// The history of a value whose current amount is kept elsewhere (an account's balance,
/// or [`Tracked::value`]): its latest checkpoint and the number of archived pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct History {
    /// The block in which the value last changed (or the history started).
    pub since: BlockNumber,
    /// How many pages the archive holds (indices `0..pages`), all older than `pending`.
    pub pages: u32,
    /// The latest checkpoint, waiting for the next one to fill a page.
    pub pending: Option<Checkpoint>,
}

impl History {
    /// A history that starts in block `now`: before it, the value reads as zero.
    pub fn starting(now: BlockNumber) -> Self {
        Self {
            since: now,
            pages: 0,
            pending: None,
        }
    }

    /// Notes that the value, `old` until now, changes in block `now`. Returns a full page
    /// to store in the archive at the returned index, when one is ready.
    ///
    /// Nothing is recorded when the value already changed in this block, or when it has
    /// always been zero (no checkpoints reads as zero).
    pub fn record(&mut self, old: Balance, now: BlockNumber) -> Option<(u32, Page)> {
        let mut full_page = None;
        let has_history = old != 0 || self.pages != 0 || self.pending.is_some();
        if self.since != now && has_history {
            let checkpoint = Checkpoint {
                block: self.since,
                value: old,
            };
            match self.pending.take() {
                None => self.pending = Some(checkpoint),
                Some(older) => {
                    full_page = Some((self.pages, [older, checkpoint]));
                    // At most one page per two blocks, and block numbers are u32 too.
                    self.pages = self.pages.saturating_add(1);
                }
            }
        }
        self.since = now;
        full_page
    }

    /// The value at the end of `block`, given its `current` amount and reading archived
    /// pages with `archive`.
    pub fn value_at(
        &self,
        current: Balance,
        block: BlockNumber,
        archive: impl Fn(u32) -> Page,
    ) -> Balance {
        if block >= self.since {
            return current;
        }
        if let Some(pending) = self.pending.filter(|pending| pending.block <= block) {
            return pending.value;
        }
        // Find the first page starting after `block`; the page before holds the answer.
        let (mut low, mut high) = (0u32, self.pages);
        while low < high {
            let middle = low.midpoint(high);
            if archive(middle)[0].block <= block {
                // `middle < high <= u32::MAX`, so this cannot saturate.
                low = middle.saturating_add(1);
            } else {
                high = middle;
            }
        }
        low.checked_sub(1)
            .map_or(0, |page| value_in(&archive(page), block))
    }
}

/// A value with its history: the token's total supply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Tracked {
    /// The amount now.
    pub value: Balance,
    pub history: History,
}

impl Tracked {
    /// Sets the amount in block `now`; see [`History::record`].
    pub fn set(&mut self, value: Balance, now: BlockNumber) -> Option<(u32, Page)> {
        let full_page = self.history.record(self.value, now);
        self.value = value;
        full_page
    }

    /// The amount at the end of `block`; see [`History::value_at`].
    pub fn at(&self, block: BlockNumber, archive: impl Fn(u32) -> Page) -> Balance {
        self.history.value_at(self.value, block, archive)
    }
}

/// The value of the last checkpoint at or before `block`, in checkpoints ordered by block
/// whose first is at or before `block`.
fn value_in(checkpoints: &[Checkpoint], block: BlockNumber) -> Balance {
    checkpoints
        .iter()
        .take_while(|checkpoint| checkpoint.block <= block)
        .last()
        .map_or(0, |checkpoint| checkpoint.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replays `(block, value)` changes into a tracked value and its archive.
    fn replay(changes: &[(BlockNumber, Balance)]) -> (Tracked, Vec<Page>) {
        let mut tracked = Tracked::default();
        let mut archive = Vec::new();
        for &(block, value) in changes {
            if let Some((index, page)) = tracked.set(value, block) {
                assert_eq!(index as usize, archive.len());
                archive.push(page);
            }
        }
        (tracked, archive)
    }

    /// What the value was at the end of `block`, by scanning the changes.
    fn naive_at(changes: &[(BlockNumber, Balance)], block: BlockNumber) -> Balance {
        changes
            .iter()
            .take_while(|(at, _)| *at <= block)
            .last()
            .map_or(0, |(_, value)| *value)
    }

    #[test]
    fn reads_every_past_block() {
        let (tracked, archive) = replay(&[(3, 10), (3, 12), (5, 7), (9, 0), (10, 4)]);
        let read = |block| tracked.at(block, |i| archive[i as usize]);
        let expected = [0, 0, 0, 12, 12, 7, 7, 7, 7, 0, 4, 4];
        for (block, want) in expected.iter().enumerate() {
            assert_eq!(read(block as BlockNumber), *want, "block {block}");
        }
    }

    #[test]
    fn a_long_history_spans_many_pages_and_reads_back_exactly() {
        // Changes in irregular blocks, some blocks with several changes.
        let mut block = 0;
        let changes: Vec<(BlockNumber, Balance)> = (1..=150u32)
            .map(|i| {
                block += i % 3;
                (block, u128::from(i * 37 % 101))
            })
            .collect();
        let (tracked, archive) = replay(&changes);
        assert!(
            archive.len() > 20,
            "the history spans {} pages",
            archive.len()
        );
        let last = changes.last().unwrap().0;
        for block in 0..last + 3 {
            let read = tracked.at(block, |i| archive[i as usize]);
            assert_eq!(read, naive_at(&changes, block), "block {block}");
        }
    }

    #[test]
    fn changes_within_one_block_record_once() {
        let (tracked, archive) = replay(&[(1, 5), (2, 6), (2, 7), (2, 8)]);
        assert!(archive.is_empty());
        assert_eq!(
            tracked.history.pending,
            Some(Checkpoint { block: 1, value: 5 })
        );
        assert_eq!(tracked.value, 8);
    }

    #[test]
    fn a_page_is_archived_every_page_len_checkpoints() {
        let changes: Vec<_> = (1..=9).map(|block| (block, u128::from(block))).collect();
        let (tracked, archive) = replay(&changes);
        // Blocks 1..=8 became checkpoints: four full pages, nothing pending.
        assert_eq!(archive.len(), 4);
        assert_eq!(tracked.history.pending, None);
        assert_eq!(archive[1][0], Checkpoint { block: 3, value: 3 });
    }

    #[test]
    fn a_value_that_was_always_zero_records_nothing() {
        let (tracked, archive) = replay(&[(4, 9)]);
        assert!(archive.is_empty() && tracked.history.pending.is_none());
        assert_eq!(tracked.at(3, |_| unreachable!()), 0);
    }

    #[test]
    fn a_history_started_late_reads_zero_before_its_start() {
        let mut history = History::starting(10);
        assert_eq!(history.value_at(500, 9, |_| unreachable!()), 0);
        assert_eq!(history.value_at(500, 10, |_| unreachable!()), 500);
        assert_eq!(history.record(500, 12), None);
        assert_eq!(history.value_at(80, 11, |_| unreachable!()), 500);
        assert_eq!(history.value_at(80, 9, |_| unreachable!()), 0);
        assert_eq!(history.value_at(80, 12, |_| unreachable!()), 80);
    }
}

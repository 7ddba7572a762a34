//! Values that remember what they were at the end of every past block.
//!
//! A [`Tracked`] value keeps its current amount and the block it last changed in. When it
//! changes in a later block, the amount it had until then is archived as one
//! [`Checkpoint`]; further changes in the same block archive nothing. A balance change
//! therefore costs at most one extra storage write, and reading a past block is a binary
//! search over the archive.

use city_traits::{Balance, BlockNumber};

/// The amount a value held at the end of `block` and kept until its next checkpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Checkpoint {
    pub block: BlockNumber,
    pub value: Balance,
}

/// A balance or supply, with the length of its archive of checkpoints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Tracked {
    /// The amount now.
    pub value: Balance,
    /// The block in which `value` was last set.
    pub since: BlockNumber,
    /// How many checkpoints the archive holds (indices `0..archived`).
    pub archived: u32,
}

impl Tracked {
    /// Sets the amount in block `now`. Returns the checkpoint to append to the archive at
    /// the returned index, if the previous amount must be remembered.
    ///
    /// Nothing is archived when the amount already changed in this block, or when it has
    /// always been zero (an empty archive reads as zero).
    pub fn set(&mut self, value: Balance, now: BlockNumber) -> Option<(u32, Checkpoint)> {
        let remember = self.since != now && (self.value != 0 || self.archived != 0);
        let archived = remember.then(|| {
            let index = self.archived;
            // At most one checkpoint per block, and block numbers are u32 too.
            self.archived = index.saturating_add(1);
            (
                index,
                Checkpoint {
                    block: self.since,
                    value: self.value,
                },
            )
        });
        self.value = value;
        self.since = now;
        archived
    }

    /// The amount at the end of `block`, reading archived checkpoints with `archive`.
    ///
    /// The archive holds checkpoints in increasing block order, all before `since`.
    pub fn at(&self, block: BlockNumber, archive: impl Fn(u32) -> Checkpoint) -> Balance {
        if block >= self.since {
            return self.value;
        }
        // Find the first checkpoint after `block`; the one before it holds the answer.
        let (mut low, mut high) = (0u32, self.archived);
        while low < high {
            let middle = low.midpoint(high);
            if archive(middle).block <= block {
                // `middle < high <= u32::MAX`, so this cannot saturate.
                low = middle.saturating_add(1);
            } else {
                high = middle;
            }
        }
        low.checked_sub(1).map_or(0, |index| archive(index).value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replays `(block, value)` changes into a tracked value and its archive.
    fn replay(changes: &[(BlockNumber, Balance)]) -> (Tracked, Vec<Checkpoint>) {
        let mut tracked = Tracked::default();
        let mut archive = Vec::new();
        for &(block, value) in changes {
            if let Some((index, checkpoint)) = tracked.set(value, block) {
                assert_eq!(index as usize, archive.len());
                archive.push(checkpoint);
            }
        }
        (tracked, archive)
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
    fn changes_within_one_block_archive_once() {
        let (tracked, archive) = replay(&[(1, 5), (2, 6), (2, 7), (2, 8)]);
        assert_eq!(archive, vec![Checkpoint { block: 1, value: 5 }]);
        assert_eq!(tracked.value, 8);
    }

    #[test]
    fn a_value_that_was_always_zero_archives_nothing() {
        let (tracked, archive) = replay(&[(4, 9)]);
        assert!(archive.is_empty());
        assert_eq!(tracked.at(3, |_| unreachable!()), 0);
    }
}

//! Inclusion proofs of anchored log batches: RFC 9162 §2.1 (Certificate Transparency v2)
//! Merkle trees, hashed with BLAKE2-256.
//!
//! - An entry's digest is `BLAKE2-256(entry)`; the contract only ever sees digests.
//! - A leaf is `BLAKE2-256(0x00 ‖ digest)`, an inner node `BLAKE2-256(0x01 ‖ left ‖ right)`:
//!   the prefixes keep a node from passing for a leaf.
//! - The tree of n ≥ 1 leaves splits at k, the largest power of two below n: its root is
//!   the node of the roots of the first k leaves and of the rest.
//! - A proof lists the sibling hashes from the leaf up, at most
//!   [`MAX_PROOF_LEVELS`](city_traits::MAX_PROOF_LEVELS) of them.

use city_traits::Hash32;
use ink::env::hash::{Blake2x256, CryptoHash};

/// The BLAKE2-256 hash of `prefix` followed by `parts`.
fn hash(prefix: u8, parts: &[&Hash32]) -> Hash32 {
    let mut input = [0u8; 65];
    input[0] = prefix;
    let mut end: usize = 1;
    for part in parts {
        // At most two parts of 32 bytes: the input holds 65.
        if let Some(slot) = input.get_mut(end..end.saturating_add(32)) {
            slot.copy_from_slice(&part[..]);
        }
        end = end.saturating_add(32);
    }
    let mut output = [0u8; 32];
    Blake2x256::hash(input.get(..end).unwrap_or(&input), &mut output);
    output
}

/// Whether `proof` shows that the entry with `digest` is the leaf at `index` of the tree
/// of `size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn proves(root: &Hash32, size: u32, index: u32, digest: &Hash32, proof: &[Hash32]) -> bool {
    if index >= size {
        return false;
    }
    let mut node = index;
    let mut last = size.saturating_sub(1);
    let mut computed = hash(0, &[digest]);
    for sibling in proof {
        if last == 0 {
            return false;
        }
        if node & 1 == 1 || node == last {
            computed = hash(1, &[sibling, &computed]);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            computed = hash(1, &[&computed, sibling]);
        }
        node >>= 1;
        last >>= 1;
    }
    last == 0 && computed == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(n: u32) -> Hash32 {
        let mut d = [7u8; 32];
        d[..4].copy_from_slice(&n.to_le_bytes());
        d
    }

    /// The root of `leaves` by the definition (RFC 9162 §2.1.1), and the proof of `index`.
    fn tree(leaves: &[Hash32], index: usize) -> (Hash32, Vec<Hash32>) {
        if leaves.len() == 1 {
            return (leaves[0], Vec::new());
        }
        let k = leaves.len().next_power_of_two() / 2;
        let (left, right) = leaves.split_at(k);
        let (left_root, mut left_proof) = tree(left, index.min(k - 1));
        let (right_root, mut right_proof) = tree(right, index.saturating_sub(k));
        let root = hash(1, &[&left_root, &right_root]);
        if index < k {
            left_proof.push(right_root);
            (root, left_proof)
        } else {
            right_proof.push(left_root);
            (root, right_proof)
        }
    }

    fn leaves(size: u32) -> Vec<Hash32> {
        (0..size).map(|n| hash(0, &[&digest(n)])).collect()
    }

    #[test]
    fn every_entry_of_every_small_batch_is_proved() {
        for size in 1..=40u32 {
            let leaves = leaves(size);
            for index in 0..size {
                let (root, proof) = tree(&leaves, index as usize);
                assert!(
                    proves(&root, size, index, &digest(index), &proof),
                    "{size} {index}"
                );
            }
        }
    }

    #[test]
    fn a_changed_entry_index_size_or_proof_is_refused() {
        let size = 11;
        let leaves = leaves(size);
        let (root, proof) = tree(&leaves, 6);
        assert!(!proves(&root, size, 6, &digest(5), &proof));
        assert!(!proves(&root, size, 5, &digest(6), &proof));
        // A size changes the answer only where it changes the leaf's path (entry 6 of 11
        // has the path it has in 12), which is why the anchor keeps the size with the root.
        assert!(!proves(&root, 7, 6, &digest(6), &proof));
        assert!(!proves(
            &root,
            size,
            6,
            &digest(6),
            &proof[..proof.len() - 1]
        ));
        let mut longer = proof.clone();
        longer.push(root);
        assert!(!proves(&root, size, 6, &digest(6), &longer));
        let mut flipped = proof.clone();
        flipped[0][3] ^= 1;
        assert!(!proves(&root, size, 6, &digest(6), &flipped));
        assert!(!proves(&root, size, size, &digest(6), &proof));
    }

    #[test]
    fn an_inner_node_does_not_pass_for_an_entry() {
        let leaves = leaves(4);
        let (root, _) = tree(&leaves, 0);
        let left = hash(1, &[&leaves[0], &leaves[1]]);
        let right = hash(1, &[&leaves[2], &leaves[3]]);
        assert_eq!(root, hash(1, &[&left, &right]));
        assert!(!proves(&root, 2, 0, &left, &[right]));
    }
}

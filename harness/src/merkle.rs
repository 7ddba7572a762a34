//! The city's Merkle tool for anchored logs (KSI-like, as Estonia stamps its registries'
//! logs): a stakeholder builds a batch of log entries ([`LogBatch`]), anchors its root on
//! chain, and anyone proves that an entry belongs to the batch ([`LogBatch::proof`],
//! [`verify`]).
//!
//! The tree is exactly the one of RFC 9162 §2.1 (Certificate Transparency v2), with
//! BLAKE2-256 in place of SHA-256, so that a city's own systems can produce and check the
//! same roots and proofs:
//!
//! - **Hash.** `H` is BLAKE2b with a 32-byte output, unkeyed (`blake2b-256`, Substrate's
//!   `blake2_256`).
//! - **Entries.** An entry is any byte string; its digest is `entry_digest(e) = H(e)`
//!   ([`entry_digest`]). A batch may also be built straight from 32-byte digests.
//! - **Domain separation.** A leaf is `leaf_hash(d) = H(0x00 || d)` ([`leaf_hash`]: the
//!   single byte `0x00`, then the 32 digest bytes); an inner node is
//!   `node_hash(l, r) = H(0x01 || l || r)` ([`node_hash`]: the single byte `0x01`, then
//!   the left and the right child's 32 bytes). A leaf can thus never be passed off as an
//!   inner node, nor the other way round.
//! - **Tree shape.** The root of `n ≥ 1` leaves `D[0..n]` is `MTH(D[0..n])`: for `n = 1`
//!   the leaf hash itself; for `n > 1`, with `k` the largest power of two strictly less
//!   than `n`, `MTH(D[0..n]) = node_hash(MTH(D[0..k]), MTH(D[k..n]))`. An empty batch has
//!   no root and is refused.
//! - **Proofs.** The inclusion proof of leaf `m` of `n` is `PATH(m, D[0..n])`: empty for
//!   `n = 1`; for `m < k`, `PATH(m, D[0..k])` followed by `MTH(D[k..n])`; for `m ≥ k`,
//!   `PATH(m − k, D[k..n])` followed by `MTH(D[0..k])`. The sibling hashes are thus
//!   ordered from the leaf upwards, the root's child last.
//! - **Verification** (RFC 9162 §2.1.3.2), of a root, a size `n`, an index `m`, a digest
//!   and a proof ([`verify`]): refuse if `m ≥ n` or the proof has more than
//!   [`MAX_PROOF_LEVELS`] (32) hashes. Let `fn = m`, `sn = n − 1`, `r = leaf_hash(digest)`.
//!   For each `p` of the proof in order: refuse if `sn = 0`; if `fn` is odd or `fn = sn`,
//!   then `r = node_hash(p, r)` and, if `fn` is even, shift `fn` and `sn` right by one
//!   together until `fn` is odd or zero; otherwise `r = node_hash(r, p)`; then shift `fn`
//!   and `sn` right by one. Accept iff at the end `sn = 0` and `r` equals the root.
//! - **What a proof binds.** The root and the index, and the size only as far as the
//!   leaf's path has the shape it has in a tree of that size: entry 0 of 3 and entry 0 of
//!   4, say, take the same sides, so one proof fits both sizes. An anchor therefore
//!   records the size with the root, and a verifier takes both from the anchor, never the
//!   size from the prover.
//! - **Limits.** Sizes and indices are `u32`, so a tree is at most 32 levels deep and no
//!   proof has more than 32 hashes; a longer one is refused without being looked at.

/// A 32-byte hash (an entry's digest, a leaf or inner node, a root), and the most hashes
/// a proof may have: the contracts' own.
pub use city_traits::{Hash32, MAX_PROOF_LEVELS};
use ink::env::hash::Blake2x256;

/// The domain separation byte in front of a leaf's digest.
const LEAF_PREFIX: u8 = 0x00;
/// The domain separation byte in front of an inner node's two children.
const NODE_PREFIX: u8 = 0x01;

/// BLAKE2b-256 of `input`.
fn blake2_256(input: &[u8]) -> Hash32 {
    let mut output = [0u8; 32];
    ink::env::hash_bytes::<Blake2x256>(input, &mut output);
    output
}

/// The digest of a log entry: `blake2_256(entry)`.
pub fn entry_digest(entry: &[u8]) -> Hash32 {
    blake2_256(entry)
}

/// The leaf hash of an entry's digest: `blake2_256(0x00 || digest)`.
pub fn leaf_hash(digest: &Hash32) -> Hash32 {
    let mut input = [0u8; 33];
    input[0] = LEAF_PREFIX;
    input[1..].copy_from_slice(digest);
    blake2_256(&input)
}

/// The hash of an inner node: `blake2_256(0x01 || left || right)`.
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut input = [0u8; 65];
    input[0] = NODE_PREFIX;
    input[1..33].copy_from_slice(left);
    input[33..].copy_from_slice(right);
    blake2_256(&input)
}

/// The largest power of two strictly less than `n`, for `n > 1`.
fn split(n: usize) -> usize {
    debug_assert!(n > 1);
    1 << (n - 1).ilog2()
}

/// `MTH` of a non-empty slice of leaf hashes.
fn mth(leaves: &[Hash32]) -> Hash32 {
    match leaves {
        [leaf] => *leaf,
        _ => {
            let (left, right) = leaves.split_at(split(leaves.len()));
            node_hash(&mth(left), &mth(right))
        }
    }
}

/// Appends `PATH(index, leaves)` to `proof`, from the leaf upwards.
fn path(index: usize, leaves: &[Hash32], proof: &mut Vec<Hash32>) {
    if leaves.len() == 1 {
        return;
    }
    let (left, right) = leaves.split_at(split(leaves.len()));
    if index < left.len() {
        path(index, left, proof);
        proof.push(mth(right));
    } else {
        path(index - left.len(), right, proof);
        proof.push(mth(left));
    }
}

/// A batch of log entries, held as their leaf hashes: at least one and at most `u32::MAX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogBatch {
    leaves: Vec<Hash32>,
}

impl LogBatch {
    /// The batch of `entries`, each hashed with [`entry_digest`], in order; `None` if there
    /// are none or more than `u32::MAX`.
    pub fn of_entries<E: AsRef<[u8]>>(entries: &[E]) -> Option<Self> {
        Self::of_leaves(
            entries
                .iter()
                .map(|entry| leaf_hash(&entry_digest(entry.as_ref())))
                .collect(),
        )
    }

    /// The batch of entries already digested (see [`entry_digest`]), in order; `None` if
    /// there are none or more than `u32::MAX`.
    pub fn of_digests(digests: &[Hash32]) -> Option<Self> {
        Self::of_leaves(digests.iter().map(leaf_hash).collect())
    }

    fn of_leaves(leaves: Vec<Hash32>) -> Option<Self> {
        (!leaves.is_empty() && u32::try_from(leaves.len()).is_ok()).then_some(Self { leaves })
    }

    /// How many entries the batch holds.
    pub fn size(&self) -> u32 {
        u32::try_from(self.leaves.len()).expect("a batch holds at most u32::MAX entries")
    }

    /// The batch's root, `MTH` of its leaves: what is anchored on chain.
    pub fn root(&self) -> Hash32 {
        mth(&self.leaves)
    }

    /// The inclusion proof of entry `index`: the sibling hashes from its leaf up to the
    /// root, for [`verify`]; `None` if `index` is not below [`size`](Self::size).
    pub fn proof(&self, index: u32) -> Option<Vec<Hash32>> {
        let index = usize::try_from(index).ok()?;
        if index >= self.leaves.len() {
            return None;
        }
        let mut proof = Vec::with_capacity(MAX_PROOF_LEVELS);
        path(index, &self.leaves, &mut proof);
        Some(proof)
    }
}

/// Whether `proof` shows that the entry whose digest is `digest` is entry `index` of a batch
/// of `size` entries whose root is `root` (RFC 9162 §2.1.3.2, see the module docs). Refuses
/// an `index` not below `size` and a proof of more than [`MAX_PROOF_LEVELS`] hashes.
///
/// `root` and `size` are to come from the same anchor: a proof also fits another size in
/// which the entry's path has the same shape (see the module docs).
pub fn verify(root: &Hash32, size: u32, index: u32, digest: &Hash32, proof: &[Hash32]) -> bool {
    if index >= size || proof.len() > MAX_PROOF_LEVELS {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = leaf_hash(digest);
    for p in proof {
        if s == 0 {
            return false;
        }
        if f % 2 == 1 || f == s {
            r = node_hash(p, &r);
            // When `f == s` with `f` even: climb past the levels where this node has no
            // right sibling.
            while f % 2 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn hex(text: &str) -> Hash32 {
        let mut out = [0u8; 32];
        assert_eq!(text.len(), 64);
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn entries(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("entry-{i}").into_bytes()).collect()
    }

    fn batch(n: usize) -> LogBatch {
        LogBatch::of_entries(&entries(n)).unwrap()
    }

    /// The root, straight from the definition, over the entries themselves: no shared
    /// helpers beyond the three hash functions.
    fn naive_root(entries: &[Vec<u8>]) -> Hash32 {
        let n = entries.len();
        if n == 1 {
            return leaf_hash(&entry_digest(&entries[0]));
        }
        let mut k = 1;
        while k < n - k {
            k *= 2;
        }
        node_hash(&naive_root(&entries[..k]), &naive_root(&entries[k..]))
    }

    /// The root that `proof` (from the leaf upwards) leads to from leaf `m` of `n`, walking
    /// the tree's shape from the top; `None` if the proof does not fit the shape.
    fn naive_fold(m: u32, n: u32, leaf: Hash32, proof: &[Hash32]) -> Option<Hash32> {
        if n == 1 {
            return proof.is_empty().then_some(leaf);
        }
        let (top, rest) = proof.split_last()?;
        let mut k = 1;
        while k < n - k {
            k *= 2;
        }
        Some(if m < k {
            node_hash(&naive_fold(m, k, leaf, rest)?, top)
        } else {
            node_hash(top, &naive_fold(m - k, n - k, leaf, rest)?)
        })
    }

    fn naive_verify(root: &Hash32, n: u32, m: u32, digest: &Hash32, proof: &[Hash32]) -> bool {
        m < n
            && proof.len() <= MAX_PROOF_LEVELS
            && naive_fold(m, n, leaf_hash(digest), proof) == Some(*root)
    }

    fn flip(hash: &mut Hash32, bit: usize) {
        hash[bit / 8] ^= 1 << (bit % 8);
    }

    #[test]
    fn the_hashes_match_an_independent_blake2b_256() {
        // Computed with Python's hashlib.blake2b(digest_size=32) and the spec's tree.
        assert_eq!(
            entry_digest(b""),
            hex("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
        );
        assert_eq!(
            entry_digest(b"alpha"),
            hex("0361d8882af5db95b46fa6184216e3d1a9233f4614676dade6fc51dd30fd7589")
        );
        let three = LogBatch::of_entries(&["alpha", "beta", "gamma"]).unwrap();
        assert_eq!(
            three.root(),
            hex("7e30e3ba4f2dde0c2b9fd4405f1c27236bf643e33ac8fd9f1c1bc2a4c4f77c6b")
        );
        let seven = batch(7);
        assert_eq!(
            seven.root(),
            hex("114ea8c1e63eeb85eb08d717cd65fc9718126485db883ac3ffec2fcb8e3b8b1f")
        );
        assert_eq!(
            seven.proof(5).unwrap(),
            vec![
                hex("9315d4921cdff11719a00a9719b6b7f4bf4af749b045af8ed461576720e7d91b"),
                hex("e3fc5c2dca4f613412a6c7be69ec432d024255a0c156c38b63111b6bb3f230b6"),
                hex("07e63988ab76d1d41fa9981c585b81fd47ec6a9e0abb074743c7db1a2fdf3d2e"),
            ]
        );
    }

    #[test]
    fn every_index_of_every_size_up_to_70_verifies() {
        for n in 1..=70usize {
            let entries = entries(n);
            let batch = LogBatch::of_entries(&entries).unwrap();
            let root = batch.root();
            assert_eq!(batch.size() as usize, n);
            assert_eq!(root, naive_root(&entries), "size {n}");
            for m in 0..n as u32 {
                let proof = batch.proof(m).unwrap();
                let digest = entry_digest(&entries[m as usize]);
                assert!(verify(&root, n as u32, m, &digest, &proof), "{m} of {n}");
                assert!(naive_verify(&root, n as u32, m, &digest, &proof));
            }
        }
    }

    #[test]
    fn a_batch_of_digests_is_the_batch_of_their_entries() {
        let entries = entries(13);
        let digests: Vec<Hash32> = entries.iter().map(|e| entry_digest(e)).collect();
        assert_eq!(
            LogBatch::of_digests(&digests).unwrap(),
            LogBatch::of_entries(&entries).unwrap()
        );
    }

    #[test]
    fn an_empty_batch_is_refused() {
        assert_eq!(LogBatch::of_entries::<Vec<u8>>(&[]), None);
        assert_eq!(LogBatch::of_digests(&[]), None);
    }

    #[test]
    fn the_root_of_one_entry_is_its_leaf_hash() {
        let batch = LogBatch::of_entries(&[b"only"]).unwrap();
        assert_eq!(batch.root(), leaf_hash(&entry_digest(b"only")));
        assert_eq!(batch.proof(0), Some(vec![]));
        assert!(verify(&batch.root(), 1, 0, &entry_digest(b"only"), &[]));
    }

    #[test]
    fn the_root_of_two_entries_is_the_node_of_their_leaves() {
        let batch = LogBatch::of_entries(&[b"left", b"rght"]).unwrap();
        let (left, right) = (
            leaf_hash(&entry_digest(b"left")),
            leaf_hash(&entry_digest(b"rght")),
        );
        assert_eq!(batch.root(), node_hash(&left, &right));
        assert_eq!(batch.proof(0), Some(vec![right]));
        assert_eq!(batch.proof(1), Some(vec![left]));
    }

    #[test]
    fn leaves_and_nodes_are_domain_separated() {
        let d = entry_digest(b"d");
        let (l, r) = (entry_digest(b"l"), entry_digest(b"r"));
        assert_ne!(leaf_hash(&d), blake2_256(&d));
        assert_eq!(leaf_hash(&d), blake2_256(&[&[0x00][..], &d].concat()));
        assert_ne!(leaf_hash(&d), blake2_256(&[&[0x01][..], &d].concat()));
        let both = [l, r].concat();
        assert_ne!(node_hash(&l, &r), blake2_256(&both));
        assert_eq!(
            node_hash(&l, &r),
            blake2_256(&[&[0x01][..], &both].concat())
        );
        assert_ne!(
            node_hash(&l, &r),
            blake2_256(&[&[0x00][..], &both].concat())
        );
        assert_ne!(node_hash(&l, &r), node_hash(&r, &l));
    }

    #[test]
    fn a_tampered_entry_is_refused() {
        let entries = entries(11);
        let batch = LogBatch::of_entries(&entries).unwrap();
        let root = batch.root();
        for m in 0..11 {
            let proof = batch.proof(m).unwrap();
            let mut tampered = entries[m as usize].clone();
            for i in 0..tampered.len() {
                tampered[i] ^= 0x01;
                assert!(!verify(&root, 11, m, &entry_digest(&tampered), &proof));
                tampered[i] ^= 0x01;
            }
        }
    }

    #[test]
    fn the_wrong_index_is_refused() {
        for n in 2..=33u32 {
            let batch = batch(n as usize);
            let root = batch.root();
            for m in 0..n {
                let proof = batch.proof(m).unwrap();
                let digest = entry_digest(format!("entry-{m}").as_bytes());
                for other in (0..n).filter(|&other| other != m) {
                    assert!(
                        !verify(&root, n, other, &digest, &proof),
                        "{m}->{other} of {n}"
                    );
                }
            }
        }
    }

    /// The sides leaf `m` of `n` takes on its way down from the root (`true`: left).
    fn naive_shape(m: u32, n: u32) -> Vec<bool> {
        if n == 1 {
            return vec![];
        }
        let mut k = 1;
        while k < n - k {
            k *= 2;
        }
        if m < k {
            [vec![true], naive_shape(m, k)].concat()
        } else {
            [vec![false], naive_shape(m - k, n - k)].concat()
        }
    }

    #[test]
    fn the_wrong_size_is_refused_unless_the_path_has_the_same_shape() {
        // RFC 9162 binds the size only through the path's shape: entry 0 of 3 and of 4, say,
        // take the same sides, so the same proof fits both. Every other size is refused.
        let entries = entries(40);
        let mut refused = 0;
        for n in 1..=20u32 {
            let batch = LogBatch::of_entries(&entries[..n as usize]).unwrap();
            let root = batch.root();
            for m in 0..n {
                let proof = batch.proof(m).unwrap();
                let digest = entry_digest(&entries[m as usize]);
                for other in (1..=40).filter(|&other| other != n) {
                    let same_shape = m < other && naive_shape(m, other) == naive_shape(m, n);
                    let accepted = verify(&root, other, m, &digest, &proof);
                    assert_eq!(accepted, same_shape, "{m} of {n}->{other}");
                    refused += usize::from(!accepted);
                }
                assert!(!verify(&root, u32::MAX, m, &digest, &proof));
            }
        }
        assert!(refused > 5000, "{refused}");
        let three = batch(3);
        let proof = three.proof(2).unwrap();
        assert!(!verify(
            &three.root(),
            4,
            2,
            &entry_digest(b"entry-2"),
            &proof
        ));
    }

    #[test]
    fn a_truncated_or_extended_proof_is_refused() {
        for n in 1..=40u32 {
            let batch = batch(n as usize);
            let root = batch.root();
            for m in 0..n {
                let proof = batch.proof(m).unwrap();
                let digest = entry_digest(format!("entry-{m}").as_bytes());
                for len in 0..proof.len() {
                    assert!(!verify(&root, n, m, &digest, &proof[..len]));
                    assert!(!verify(&root, n, m, &digest, &proof[proof.len() - len..]));
                }
                for extra in [root, [0; 32], proof.first().copied().unwrap_or(root)] {
                    let mut longer = proof.clone();
                    longer.push(extra);
                    assert!(!verify(&root, n, m, &digest, &longer));
                    longer.pop();
                    longer.insert(0, extra);
                    assert!(!verify(&root, n, m, &digest, &longer));
                }
            }
        }
    }

    #[test]
    fn a_proof_with_one_flipped_bit_is_refused() {
        for n in [2u32, 3, 5, 8, 13, 21] {
            let batch = batch(n as usize);
            let root = batch.root();
            for m in 0..n {
                let proof = batch.proof(m).unwrap();
                let digest = entry_digest(format!("entry-{m}").as_bytes());
                for level in 0..proof.len() {
                    for bit in 0..256 {
                        let mut bad = proof.clone();
                        flip(&mut bad[level], bit);
                        assert!(!verify(&root, n, m, &digest, &bad));
                    }
                }
                let mut bad_root = root;
                flip(&mut bad_root, 0);
                assert!(!verify(&bad_root, n, m, &digest, &proof));
            }
        }
    }

    #[test]
    fn a_proof_of_33_levels_is_refused() {
        // Whatever the hashes, more than 32 are refused before anything is computed.
        let digest = entry_digest(b"deep");
        let proof = vec![[7u8; 32]; MAX_PROOF_LEVELS + 1];
        let mut r = leaf_hash(&digest);
        for p in &proof {
            r = node_hash(&r, p);
        }
        assert!(!verify(&r, u32::MAX, 0, &digest, &proof));
        // 32 levels is the deepest tree of u32 sizes (entry 0 of u32::MAX): accepted.
        let proof = vec![[9u8; 32]; MAX_PROOF_LEVELS];
        let root = naive_fold(0, u32::MAX, leaf_hash(&digest), &proof).unwrap();
        assert!(verify(&root, u32::MAX, 0, &digest, &proof));
        // One more level on top of it is refused, whatever root it would lead to.
        let mut deeper = proof.clone();
        deeper.push([9u8; 32]);
        let on_top = node_hash(&root, &[9u8; 32]);
        assert!(!verify(&on_top, u32::MAX, 0, &digest, &deeper));
        assert!(!verify(&root, u32::MAX, 0, &digest, &deeper));
    }

    #[test]
    fn an_index_at_or_past_the_size_is_refused() {
        let batch = batch(9);
        let root = batch.root();
        assert_eq!(batch.proof(9), None);
        assert_eq!(batch.proof(u32::MAX), None);
        let digest = entry_digest(b"entry-8");
        let proof = batch.proof(8).unwrap();
        assert!(verify(&root, 9, 8, &digest, &proof));
        assert!(!verify(&root, 9, 9, &digest, &proof));
        assert!(!verify(&root, 9, u32::MAX, &digest, &proof));
        assert!(!verify(&root, 0, 0, &digest, &[]));
    }

    #[test]
    fn an_inner_node_presented_as_a_leaf_is_refused() {
        // Batch of 4: root = node(node(L0, L1), node(L2, L3)). Claiming node(L0, L1) is the
        // digest of entry 0 of a batch of 2 must fail: it is hashed as a leaf first.
        let entries = entries(4);
        let batch = LogBatch::of_entries(&entries).unwrap();
        let leaves: Vec<Hash32> = entries
            .iter()
            .map(|e| leaf_hash(&entry_digest(e)))
            .collect();
        let (left, right) = (
            node_hash(&leaves[0], &leaves[1]),
            node_hash(&leaves[2], &leaves[3]),
        );
        let root = batch.root();
        assert_eq!(root, node_hash(&left, &right));
        assert!(!verify(&root, 2, 0, &left, &[right]));
        assert!(!verify(&root, 2, 1, &right, &[left]));
        // And the root itself as the only entry of a batch of one.
        assert!(!verify(&root, 1, 0, &root, &[]));
        // Nor a leaf hash as a digest.
        let proof = batch.proof(0).unwrap();
        assert!(!verify(&root, 4, 0, &leaves[0], &proof));
    }

    #[test]
    fn a_batch_of_100_000_entries_proves_its_entries() {
        let entries = entries(100_000);
        let batch = LogBatch::of_entries(&entries).unwrap();
        let root = batch.root();
        for m in [0u32, 1, 65_535, 65_536, 99_998, 99_999] {
            let proof = batch.proof(m).unwrap();
            assert!(proof.len() <= 17);
            let digest = entry_digest(&entries[m as usize]);
            assert!(verify(&root, 100_000, m, &digest, &proof));
            assert!(!verify(&root, 65_536, m, &digest, &proof));
            let mut tampered = digest;
            flip(&mut tampered, 255);
            assert!(!verify(&root, 100_000, m, &tampered, &proof));
        }
    }

    proptest! {
        #[test]
        fn verify_agrees_with_the_naive_definition(
            n in 1u32..=300,
            m in any::<u32>(),
            claimed_n in any::<u32>(),
            claimed_m in any::<u32>(),
            mutation in 0u8..8,
            level in any::<usize>(),
            bit in 0usize..256,
        ) {
            let entries = entries(n as usize);
            let batch = LogBatch::of_entries(&entries).unwrap();
            let root = batch.root();
            let m = m % n;
            let mut digest = entry_digest(&entries[m as usize]);
            let mut proof = batch.proof(m).unwrap();
            let (mut vn, mut vm) = (n, m);
            match mutation {
                0 => {}
                1 => vn = claimed_n % 400,
                2 => vm = claimed_m % 400,
                3 => proof.truncate(level % (proof.len() + 1)),
                4 => proof.push(root),
                5 if !proof.is_empty() => {
                    let at = level % proof.len();
                    flip(&mut proof[at], bit);
                }
                6 => flip(&mut digest, bit),
                _ => {
                    let at = level % (proof.len() + 1);
                    proof.insert(at, [bit as u8; 32]);
                }
            }
            prop_assert_eq!(
                verify(&root, vn, vm, &digest, &proof),
                naive_verify(&root, vn, vm, &digest, &proof)
            );
            if mutation == 0 {
                prop_assert!(verify(&root, vn, vm, &digest, &proof));
            }
        }

        #[test]
        fn random_proofs_agree_with_the_naive_definition(
            n in 1u32..=64,
            m in 0u32..64,
            proof in proptest::collection::vec(any::<[u8; 32]>(), 0..8),
            digest in any::<[u8; 32]>(),
        ) {
            // A root folded from the random proof by the naive shape: verify must accept
            // exactly when that fold fits the shape.
            let folded = naive_fold(m, n, leaf_hash(&digest), &proof);
            let root = folded.unwrap_or([0; 32]);
            prop_assert_eq!(
                verify(&root, n, m, &digest, &proof),
                naive_verify(&root, n, m, &digest, &proof)
            );
            prop_assert_eq!(verify(&root, n, m, &digest, &proof), m < n && folded.is_some());
        }
    }
}

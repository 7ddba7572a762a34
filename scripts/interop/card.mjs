#!/usr/bin/env node
// A citizen card in JavaScript: a secp256k1 key that signs ink-city intents with
// @polkadot/util-crypto and posts them to the city's relayer.
//
// The bytes are encoded BY HAND, row by row, from the README section
// "Card-signed intents in brief" (README.md, "What the card signs"), so that any wallet
// can follow them; @polkadot/types is deliberately not used.
//
//   node card.mjs vectors
//   node card.mjs key --out FILE
//   node card.mjs vote --relayer http://127.0.0.1:PORT --card FILE --poll N --choice C [--blocks 100]
//
// Each prints one JSON line on stdout and exits 0, or prints an error on stderr and exits 1.

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { hexToU8a, isHex, stringToU8a, u8aConcat, u8aEq, u8aToHex } from '@polkadot/util';
import {
  blake2AsU8a,
  cryptoWaitReady,
  secp256k1PairFromSeed,
  secp256k1Recover,
  secp256k1Sign,
} from '@polkadot/util-crypto';

// ---------------------------------------------------------------------------------------
// SCALE primitives (README "Card-signed intents in brief": integers little-endian, an
// enum as its variant's index byte then its fields, Vec<u8> as its compact length then
// its bytes).

/** An unsigned integer of `bytes` bytes, little-endian. */
function uintLE(value, bytes, name) {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) {
    throw new Error(`${name} ${value} does not fit in u${8 * bytes}`);
  }
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

const u8 = (v, name = 'u8') => uintLE(v, 1, name);
const u32 = (v, name = 'u32') => uintLE(v, 4, name);
const u64 = (v, name = 'u64') => uintLE(v, 8, name);
const u128 = (v, name = 'u128') => uintLE(v, 16, name);

/** SCALE compact integer (the length prefix of a Vec). */
function compact(value) {
  const v = BigInt(value);
  if (v < 0n) throw new Error(`compact ${value} is negative`);
  if (v < 1n << 6n) return uintLE(v << 2n, 1, 'compact');
  if (v < 1n << 14n) return uintLE((v << 2n) | 1n, 2, 'compact');
  if (v < 1n << 30n) return uintLE((v << 2n) | 2n, 4, 'compact');
  let n = 0;
  for (let rest = v; rest > 0n; rest >>= 8n) n++; // big-integer mode: 4..67 bytes
  if (n > 67) throw new Error(`compact ${value} is too large`);
  return u8aConcat(u8(((n - 4) << 2) | 3), uintLE(v, n, 'compact'));
}

/** Vec<u8>: compact length, then the bytes. */
const bytesVec = (bytes) => u8aConcat(compact(bytes.length), bytes);

/** Exactly 32 bytes (a hash or an account), from a Uint8Array or 0x-hex. */
function bytes32(value, name) {
  const bytes = typeof value === 'string' ? hexToU8a(value) : value;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new Error(`${name} must be 32 bytes, got ${JSON.stringify(String(value))}`);
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------
// One encoder per row of the README table ("Card-signed intents in brief").

const TAG = stringToU8a('ink-city/intent1');

/** 16 | tag: the ASCII `ink-city/intent1` (signed, never sent). */
const encodeTag = () => TAG;
/** 32 | domain: the chain's genesis hash. */
const encodeDomain = (domain) => bytes32(domain, 'domain');
/** 32 | forwarder: the intents contract's account. */
const encodeForwarder = (forwarder) => bytes32(forwarder, 'forwarder');
/** 32 | signer: the citizen's account, BLAKE2-256 of the compressed key. */
const encodeSigner = (signer) => bytes32(signer, 'signer');
/** 8 | nonce: u64. */
const encodeNonce = (nonce) => u64(nonce, 'nonce');
/** 4 | deadline: u32, the last block in which it may run. */
const encodeDeadline = (deadline) => u32(deadline, 'deadline');

/**
 * 1 + … | intent:
 *   0x00 ballot: poll (u32), then 0x00 choice (vote) | 0x01 commitment (32) | 0x02 choice salt (32)
 *   0x01 payment: 0x00 provider (32) amount (u128) memo (Vec<u8>) | 0x01 spender (32) value (u128)
 */
function encodeIntent(intent) {
  switch (intent.kind) {
    case 'vote':
      return u8aConcat(u8(0), u32(intent.poll, 'poll'), u8(0), u8(intent.choice, 'choice'));
    case 'commit':
      return u8aConcat(u8(0), u32(intent.poll, 'poll'), u8(1), bytes32(intent.commitment, 'commitment'));
    case 'reveal':
      return u8aConcat(u8(0), u32(intent.poll, 'poll'), u8(2), u8(intent.choice, 'choice'), bytes32(intent.salt, 'salt'));
    case 'redeem':
      return u8aConcat(u8(1), u8(0), bytes32(intent.provider, 'provider'), u128(intent.amount, 'amount'), bytesVec(intent.memo));
    case 'approve':
      return u8aConcat(u8(1), u8(1), bytes32(intent.spender, 'spender'), u128(intent.value, 'value'));
    default:
      throw new Error(`unknown intent kind ${JSON.stringify(intent.kind)}`);
  }
}

/** The payload the relayer takes: every row but the tag. */
function encodePayload({ domain, forwarder, signer, nonce, deadline, intent }) {
  return u8aConcat(
    encodeDomain(domain),
    encodeForwarder(forwarder),
    encodeSigner(signer),
    encodeNonce(nonce),
    encodeDeadline(deadline),
    encodeIntent(intent),
  );
}

// ---------------------------------------------------------------------------------------
// The card.

/** A card from its 32-byte secret: the compressed key and the account it controls. */
function cardFromSecret(secret, onlyJs = false) {
  const pair = secp256k1PairFromSeed(bytes32(secret, 'secret'), onlyJs);
  const account = blake2AsU8a(pair.publicKey, 256); // card_account(key)
  return { pair, key: pair.publicKey, account };
}

/**
 * Signs blake2_256(tag ‖ payload), exactly once: secp256k1Sign(message, pair, 'blake2')
 * hashes `message` with BLAKE2-256 itself and signs that 32-byte digest (RFC 6979, low s),
 * as sp-core's `ecdsa::Pair::sign` does. So it is given the message, not the digest (which
 * it would hash a second time). Returns 65 bytes r ‖ s ‖ v, v 0 or 1.
 */
function signPayload(card, payload, onlyJs = false) {
  const message = u8aConcat(encodeTag(), payload);
  return secp256k1Sign(message, card.pair, 'blake2', onlyJs);
}

// ---------------------------------------------------------------------------------------
// Subcommands.

/** Test vectors produced by the Rust side (harness::intents::Card, sp-core). */
const VECTORS = {
  seed: 'interop-vector',
  key: '0x02829a1dc1fc9b88ef790df2448b6d18cfebbd4f2288592336743428572975f401',
  account: '0xfc133626d4b77a74aed40eec07581109e106d7f7bbb82a91f21925c3cc93af56',
  cases: [
    {
      name: 'ballot poll 2, vote 1',
      intent: { kind: 'vote', poll: 2, choice: 1 },
      payload:
        '0x07070707070707070707070707070707070707070707070707070707070707070909090909090909090909090909090909090909090909090909090909090909fc133626d4b77a74aed40eec07581109e106d7f7bbb82a91f21925c3cc93af560300000000000000d204000000020000000001',
      signature:
        '0x1e9be8a214ddb4d0705af89a9ff274625923bec22550e3c7467f7c26ab21acca59a1caaa9637dc0274110f88a752d91b45d3ed615ec6f17447a7007cce50931400',
    },
    {
      name: 'payment redeem 250 at 0x05.., memo "bus"',
      intent: { kind: 'redeem', provider: new Uint8Array(32).fill(5), amount: 250n, memo: stringToU8a('bus') },
      payload:
        '0x07070707070707070707070707070707070707070707070707070707070707070909090909090909090909090909090909090909090909090909090909090909fc133626d4b77a74aed40eec07581109e106d7f7bbb82a91f21925c3cc93af560300000000000000d204000001000505050505050505050505050505050505050505050505050505050505050505fa0000000000000000000000000000000c627573',
      signature:
        '0x2216726737fe5f2a5cc47d07502947dcb6f00bfd89698d96330cae66d89317033816b75571c5a1bd0d2a2039a55532b3225106d99e19ef8c21f88ebb4f8ca2a601',
    },
  ],
};

function expectEqual(what, actual, expected) {
  if (!u8aEq(actual, hexToU8a(expected))) {
    throw new Error(`${what} differs:\n  expected ${expected}\n  computed ${u8aToHex(actual)}`);
  }
}

async function cmdVectors() {
  const secret = blake2AsU8a(stringToU8a(VECTORS.seed), 256);
  const checked = [];
  // Both util-crypto back-ends (WASM and pure JS) must give the same bytes.
  for (const onlyJs of [false, true]) {
    const backend = onlyJs ? 'js' : 'wasm';
    const card = cardFromSecret(secret, onlyJs);
    expectEqual(`[${backend}] key`, card.key, VECTORS.key);
    expectEqual(`[${backend}] account`, card.account, VECTORS.account);
    for (const c of VECTORS.cases) {
      const payload = encodePayload({
        domain: new Uint8Array(32).fill(7),
        forwarder: new Uint8Array(32).fill(9),
        signer: card.account,
        nonce: 3,
        deadline: 1234,
        intent: c.intent,
      });
      expectEqual(`[${backend}] ${c.name}: payload`, payload, c.payload);
      const signature = signPayload(card, payload, onlyJs);
      expectEqual(`[${backend}] ${c.name}: signature`, signature, c.signature);
      // Unlike secp256k1Sign, secp256k1Recover takes the digest itself (it hashes nothing)
      // and, for 'blake2', answers the compressed key: the contract's check, in JS.
      const digest = blake2AsU8a(u8aConcat(encodeTag(), payload), 256);
      const recovered = secp256k1Recover(digest, signature.subarray(0, 64), signature[64], 'blake2', onlyJs);
      expectEqual(`[${backend}] ${c.name}: recovered key`, recovered, VECTORS.key);
      checked.push(`${backend}: ${c.name}`);
    }
  }
  return { vectors: 'ok', key: VECTORS.key, account: VECTORS.account, checked };
}

async function cmdKey({ out }) {
  if (!out) throw new Error('key: --out FILE is required');
  const secret = new Uint8Array(32);
  globalThis.crypto.getRandomValues(secret);
  const card = cardFromSecret(secret);
  const file = { secret: u8aToHex(secret), key: u8aToHex(card.key), account: u8aToHex(card.account) };
  // 'wx': never overwrite an existing card (its secret would be lost); 0600: it is a secret.
  await writeFile(out, JSON.stringify(file, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
  return { key: file.key, account: file.account };
}

async function loadCard(path) {
  let file;
  try {
    file = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read card file ${path}: ${e.message}`);
  }
  if (!isHex(file.secret, 256)) throw new Error(`card file ${path}: "secret" must be 0x + 64 hex`);
  const card = cardFromSecret(hexToU8a(file.secret));
  for (const [field, value] of [['key', card.key], ['account', card.account]]) {
    if (file[field] !== undefined && file[field].toLowerCase() !== u8aToHex(value)) {
      throw new Error(`card file ${path}: "${field}" does not match its secret`);
    }
  }
  return card;
}

/** One request to the relayer: the JSON body, or an error naming the refusal. */
async function relayer(base, method, path, body) {
  const url = base.replace(/\/+$/, '') + path;
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new Error(`${method} ${url}: ${e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const why = json && json.error !== undefined ? `${json.code ?? 'error'}: ${json.error}` : text.slice(0, 200);
    throw new Error(`${method} ${url}: HTTP ${res.status} ${why}`);
  }
  return json;
}

function integer(value, name) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`relayer answered a bad ${name}: ${JSON.stringify(value)}`);
  }
  return value;
}

/** A command-line integer in [0, max]. */
function argInt(value, name, max) {
  if (value === undefined) throw new Error(`vote: --${name} is required`);
  if (!/^\d+$/.test(value) || Number(value) > max) throw new Error(`vote: --${name} must be an integer 0..${max}`);
  return Number(value);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function cmdVote(args) {
  if (!args.relayer) throw new Error('vote: --relayer URL is required');
  if (!args.card) throw new Error('vote: --card FILE is required');
  const poll = argInt(args.poll, 'poll', 0xffff_ffff);
  const choice = argInt(args.choice, 'choice', 0xff);
  const blocks = argInt(args.blocks ?? '100', 'blocks', 0xffff_ffff);
  const card = await loadCard(args.card);
  const account = u8aToHex(card.account);

  const health = await relayer(args.relayer, 'GET', '/health');
  const forwarder = bytes32(String(health.forwarder), 'relayer /health forwarder');
  const domain = bytes32(String(health.domain), 'relayer /health domain');
  const block = integer(health.block, '/health block');

  const signer = await relayer(args.relayer, 'GET', `/signers/${account}`);
  if (typeof signer.signer === 'string' && signer.signer.toLowerCase() !== account) {
    throw new Error(`relayer answered for signer ${signer.signer}, not ${account}`);
  }
  const nonce = integer(signer.nonce, '/signers nonce');

  const payload = encodePayload({
    domain,
    forwarder,
    signer: card.account,
    nonce,
    deadline: block + blocks, // u32: encodeDeadline refuses an overflow
    intent: { kind: 'vote', poll, choice },
  });
  const signature = signPayload(card, payload);

  const queued = await relayer(args.relayer, 'POST', '/intents', {
    payload: u8aToHex(payload),
    signature: u8aToHex(signature),
  });
  const id = integer(queued.id, '/intents id');

  let intent = queued;
  const until = Date.now() + 120_000;
  for (;;) {
    intent = await relayer(args.relayer, 'GET', `/intents/${id}`);
    if (intent.status !== 'queued') break;
    if (Date.now() >= until) {
      process.stdout.write(JSON.stringify(intent) + '\n');
      throw new Error(`intent ${id} still queued after 120 s`);
    }
    await sleep(200);
  }
  process.stdout.write(JSON.stringify(intent) + '\n');
  if (intent.status !== 'executed') {
    throw new Error(`intent ${id} ${intent.status}: ${intent.detail ?? ''}`);
  }
  return undefined; // already printed
}

// ---------------------------------------------------------------------------------------

const USAGE = `usage:
  node card.mjs vectors
  node card.mjs key --out FILE
  node card.mjs vote --relayer URL --card FILE --poll N --choice C [--blocks 100]`;

async function main(argv) {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      relayer: { type: 'string' },
      card: { type: 'string' },
      poll: { type: 'string' },
      choice: { type: 'string' },
      blocks: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  await cryptoWaitReady();
  switch (command) {
    case 'vectors':
      return cmdVectors();
    case 'key':
      return cmdKey(values);
    case 'vote':
      return cmdVote(values);
    default:
      throw new Error(command ? `unknown command ${JSON.stringify(command)}\n${USAGE}` : USAGE);
  }
}

main(process.argv.slice(2)).then(
  (result) => {
    if (result !== undefined) process.stdout.write(JSON.stringify(result) + '\n');
    process.exitCode = 0;
  },
  (error) => {
    process.stderr.write(`card: ${error.message}\n`);
    process.exitCode = 1;
  },
);

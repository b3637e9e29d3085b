// The TOTP helper against the RFC 6238 appendix B vectors (SHA-1), last 6 digits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { base32Decode, stepAt, totp } from './totp.mjs';

test('TOTP matches the RFC 6238 test vectors', () => {
  const key = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
  assert.equal(base32Decode(key).toString('ascii'), '12345678901234567890');
  for (const [seconds, code] of [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ]) {
    assert.equal(totp(key, stepAt(seconds * 1000)), code, `T=${seconds}`);
  }
});

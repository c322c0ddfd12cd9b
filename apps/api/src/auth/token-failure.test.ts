import { errors } from 'jose'
import { describe, expect, it } from 'vitest'
import { describeTokenFailure } from './token-failure.js'

describe('describeTokenFailure', () => {
  it.each([
    [new errors.JWSSignatureVerificationFailed(), 401, 'bad signature'],
    [new errors.JOSEAlgNotAllowed('no'), 401, 'algorithm not allowed'],
    [
      new errors.JWTClaimValidationFailed('x', {}, 'nbf', 'check_failed'),
      401,
      'token not yet valid',
    ],
    [new errors.JWKSTimeout(), 503, 'cannot fetch the signing keys; try again later'],
    [new Error('anything else'), 401, 'invalid token'],
  ])('maps %s to %i %s', (error, status, message) => {
    const mapped = describeTokenFailure(error)
    expect(mapped.status).toBe(status)
    expect(mapped.message).toBe(message)
  })
})

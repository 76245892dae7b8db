import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../encoding.js';
import { generateKeyPair, signerFromJwk, verifySignature } from '../keys.js';
import { decodeJwt } from '../jwt.js';
import {
  encodeOfflineRequest,
  expandOfflineRequest,
  offlineClientId,
  type OfflineRequestFields,
} from './offline-request.js';

const fields: OfflineRequestFields = {
  iat: 1_796_219_176,
  exp: 1_796_219_476,
  responseUri: 'https://verifier.alnoor-clinic.example/responses/XeWx-6VUxrvtCBYCATfnSw',
  nonce: '8sBIz7KQmzV19sXeVKnekA',
  clientName: 'Al Noor Clinic',
  purpose: {
    en: 'Confirm that you are an adult',
    fr: 'Confirmer que vous êtes majeur',
    ar: 'التأكد من أنك بالغ',
  },
  dcqlQuery: {
    credentials: [
      {
        id: 'refugee-status',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['https://sanad.example/credentials/refugee-status'] },
        claims: [{ id: 'claim-1', path: ['age_over_18'] }],
      },
    ],
  },
};

describe('offline request packing (SANADR1:)', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`expands to the complete request object the ${alg} key signed, in a QR code of version 15 or less`, async () => {
      const { privateJwk, publicJwk } = await generateKeyPair(alg);
      const signer = await signerFromJwk(privateJwk);
      const { code, requestObject, clientId, authorizationRequest } = await encodeOfflineRequest(
        signer,
        fields,
      );
      expect(code).toMatch(/^SANADR1:[0-9A-Z $%*+\-./:]+$/);
      expect(expandOfflineRequest(code)).toEqual({ requestObject, clientId, authorizationRequest });
      expect(clientId).toBe(offlineClientId(publicJwk));
      const { header, payload, signingInput, signature } = decodeJwt(requestObject);
      expect(await verifySignature(publicJwk, alg, utf8(signingInput), signature)).toBe(true);
      expect(header).toEqual({
        alg,
        kid: `${clientId.slice('decentralized_identifier:'.length)}#0`,
        typ: 'oauth-authz-req+jwt',
      });
      expect(payload).toEqual({
        iat: fields.iat,
        exp: fields.exp,
        aud: 'https://self-issued.me/v2',
        response_type: 'vp_token',
        client_id: clientId,
        response_uri: fields.responseUri,
        response_mode: 'direct_post',
        nonce: fields.nonce,
        dcql_query: fields.dcqlQuery,
        client_metadata: {
          client_name: 'Al Noor Clinic',
          vp_formats_supported: {
            'dc+sd-jwt': {
              'sd-jwt_alg_values': ['ES256', 'EdDSA'],
              'kb-jwt_alg_values': ['ES256', 'EdDSA'],
            },
          },
        },
        purpose: fields.purpose,
      });
      const params = new URL(authorizationRequest).searchParams;
      expect([params.get('client_id'), params.get('request')]).toEqual([clientId, requestObject]);
      const { version } = QRCode.create(code, { errorCorrectionLevel: 'L' });
      console.info(
        `${alg}: ${code.length} characters, QR version ${version}; by value ${authorizationRequest.length} characters, version ${QRCode.create(authorizationRequest, { errorCorrectionLevel: 'L' }).version}`,
      );
      expect(version).toBeLessThanOrEqual(15);
    });
  }

  it('tolerates the line break a keyboard-like scanner adds, and nothing that is not one of its codes', async () => {
    const { code, requestObject } = await encodeOfflineRequest(
      await signerFromJwk((await generateKeyPair()).privateJwk),
      fields,
    );
    expect(expandOfflineRequest(`${code}\n`).requestObject).toBe(requestObject);
    for (const text of ['', 'SANAD1:AAAA', 'openid4vp://?request=x', code.toLowerCase()])
      expect(() => expandOfflineRequest(text)).toThrow(
        expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }),
      );
  });
});

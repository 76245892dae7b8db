/**
 * `sanad pki …`: a small X.509 PKI for HAIP tests and the sandbox. A root CA in a folder, and
 * leaf certificates for an issuer folder's key (a URI name: the SD-JWT VC `iss`) and for a
 * verifier's request-signing key (a DNS name: its `x509_san_dns` client id). An agency's
 * production certificates come from its own PKI, the root key offline (docs/x509.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { generateKeyPair, publicJwkOf, SanadError } from '@sanad/core';
import {
  CertificateAuthority,
  type CertificateName,
  certificateBase64,
  certifiesKey,
  parseCertificate,
  toPem,
} from '@sanad/core/x509';
import {
  CERTIFICATE_CHAIN_FILE,
  ISSUER_KEY_FILE,
  loadIssuerKeyFile,
  saveIssuerKeyFile,
} from '@sanad/issuer';
import { action, wholeNumber } from '../command.js';
import { writeOutput } from '../io.js';

const ROOT_FILE = 'root.pem';
const ROOT_KEY_FILE = 'root-key.jwk.json';

/** The subject of a certificate from `--name`, `--org` and `--country` (ISO 3166 alpha-2). */
function subjectOf(o: { name: string; org?: string; country?: string }): CertificateName {
  if (o.country !== undefined && !/^[A-Z]{2}$/.test(o.country))
    throw new SanadError(
      'ERR_INVALID_INPUT',
      '--country takes an ISO 3166 code of two capital letters (JO).',
    );
  return {
    commonName: o.name,
    ...(o.org ? { organization: o.org } : {}),
    ...(o.country ? { country: o.country } : {}),
  };
}

async function openAuthority(dir: string): Promise<CertificateAuthority> {
  if (!existsSync(join(dir, ROOT_FILE)))
    throw new SanadError(
      'ERR_FILE_NOT_FOUND',
      `No CA in ${dir}: run \`sanad pki init --dir ${dir}\` first.`,
    );
  const certificate = certificateBase64(await readFile(join(dir, ROOT_FILE), 'utf8'));
  const key = await loadIssuerKeyFile(join(dir, ROOT_KEY_FILE));
  const cert = parseCertificate(certificate);
  if (!certifiesKey(cert, publicJwkOf(key)))
    throw new SanadError('ERR_INVALID_KEY', `${ROOT_KEY_FILE} is not the key of ${ROOT_FILE}.`);
  return new CertificateAuthority(certificate, key);
}

interface LeafFlags {
  ca: string;
  name?: string;
  org?: string;
  country?: string;
  days: number;
  renew?: boolean;
}

/** The options every leaf certificate takes: its CA, subject, validity and renewal. */
const leafOptions = (cmd: Command, defaultName: string, renews: string): Command =>
  cmd
    .requiredOption('--ca <dir>', 'the CA folder')
    .option('--name <text>', `the common name (default: ${defaultName})`)
    .option('--org <text>', 'the organisation')
    .option('--country <XX>', 'ISO 3166 country code')
    .option('--days <n>', 'validity in days', wholeNumber(3650), 365)
    .option('--renew', renews);

export function registerPkiCommands(program: Command): void {
  const pki = program
    .command('pki')
    .description(
      'a small X.509 PKI for HAIP tests and the sandbox: a root CA, issuer certificates',
    );

  action<{ dir: string; name: string; org?: string; country?: string; days: number }>(
    pki
      .command('init')
      .description(
        'create a root CA in a folder: its certificate is the trust anchor verifiers hold',
      )
      .requiredOption('--dir <dir>', 'the CA folder (root.pem, root-key.jwk.json)')
      .option('--name <text>', 'the common name', 'Sanad test root')
      .option('--org <text>', 'the organisation')
      .option('--country <XX>', 'ISO 3166 country code')
      .option('--days <n>', 'validity in days', wholeNumber(36_500), 3650),
    async (o, out) => {
      if (existsSync(join(o.dir, ROOT_KEY_FILE)))
        throw new SanadError('ERR_FILE_EXISTS', `${o.dir} already holds a CA.`);
      const ca = await CertificateAuthority.create({ subject: subjectOf(o), days: o.days });
      await saveIssuerKeyFile(join(o.dir, ROOT_KEY_FILE), ca.privateJwk);
      await writeOutput(join(o.dir, ROOT_FILE), toPem(ca.certificate));
      const root = parseCertificate(ca.certificate);
      out.result(
        {
          certificate: join(o.dir, ROOT_FILE),
          key_file: join(o.dir, ROOT_KEY_FILE),
          not_after: root.notAfter.toISOString(),
        },
        () =>
          [
            `Root CA "${root.subjectName}" in ${o.dir}, valid until ${root.notAfter.toISOString()}`,
            `  trust anchor: ${join(o.dir, ROOT_FILE)} (sanad trust-list add-anchor --certificate …)`,
            `  key: ${join(o.dir, ROOT_KEY_FILE)} (keep it offline; mode 0600)`,
          ].join('\n'),
      );
    },
  );

  action<LeafFlags & { issuerDir: string; uri: string }>(
    leafOptions(
      pki
        .command('issuer')
        .description(
          "certify an issuer folder's key: its SD-JWT VC credentials then carry the chain (x5c) and the URI as iss",
        )
        .requiredOption('--issuer-dir <dir>', 'the issuer folder')
        .requiredOption(
          '--uri <https-url>',
          "the issuer's https identifier, named in the certificate",
        ),
      'the URI',
      "replace the folder's certificate (a renewal, or after a key rotation)",
    ),
    async (o, out) => {
      if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(o.uri))
        throw new SanadError(
          'ERR_INVALID_INPUT',
          '--uri must be an https URL with no query or fragment.',
        );
      const file = join(o.issuerDir, CERTIFICATE_CHAIN_FILE);
      if (existsSync(file) && !o.renew)
        throw new SanadError('ERR_OUTPUT_EXISTS', `${file} exists: give --renew to replace it.`);
      const ca = await openAuthority(o.ca);
      const key = publicJwkOf(await loadIssuerKeyFile(join(o.issuerDir, ISSUER_KEY_FILE)));
      const leaf = await ca.issue({
        subject: subjectOf({ ...o, name: o.name ?? o.uri }),
        publicJwk: key,
        days: o.days,
        uris: [o.uri],
      });
      await writeOutput(file, toPem(leaf));
      const parsed = parseCertificate(leaf);
      out.result(
        { certificate_chain: file, issuer: o.uri, not_after: parsed.notAfter.toISOString() },
        () =>
          [
            `Certified the key of ${o.issuerDir} as ${o.uri}, until ${parsed.notAfter.toISOString()}`,
            `  chain: ${file} (SD-JWT VC credentials carry it as x5c, with iss ${o.uri})`,
          ].join('\n'),
      );
    },
  );

  action<LeafFlags & { key: string; dns: string; out: string }>(
    leafOptions(
      pki
        .command('verifier')
        .description(
          "certify a verifier's request-signing key for its host: `verifier serve --certificate-chain` then signs requests as x509_san_dns:<host>",
        )
        .option(
          '--key <file>',
          'the request-signing key (created if missing)',
          'verifier-key.jwk.json',
        )
        .requiredOption(
          '--dns <host>',
          "the verifier service's host name, named in the certificate",
        )
        .requiredOption('--out <file>', 'where to write the certificate chain (PEM)'),
      'the host',
      'replace the certificate file',
    ),
    async (o, out) => {
      if (
        !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(
          o.dns,
        )
      )
        throw new SanadError(
          'ERR_INVALID_INPUT',
          '--dns must be a lower-case host name (desk.clinic.example).',
        );
      if (existsSync(o.out) && !o.renew)
        throw new SanadError('ERR_OUTPUT_EXISTS', `${o.out} exists: give --renew to replace it.`);
      const ca = await openAuthority(o.ca);
      if (!existsSync(o.key))
        await saveIssuerKeyFile(o.key, (await generateKeyPair('ES256')).privateJwk);
      const leaf = await ca.issue({
        subject: subjectOf({ ...o, name: o.name ?? o.dns }),
        publicJwk: publicJwkOf(await loadIssuerKeyFile(o.key)),
        days: o.days,
        dnsNames: [o.dns],
      });
      await writeOutput(o.out, toPem(leaf));
      const parsed = parseCertificate(leaf);
      out.result(
        {
          certificate_chain: o.out,
          key_file: o.key,
          client_id: `x509_san_dns:${o.dns}`,
          not_after: parsed.notAfter.toISOString(),
        },
        () =>
          [
            `Certified ${o.key} for ${o.dns}, until ${parsed.notAfter.toISOString()}`,
            `  chain: ${o.out} (sanad verifier serve --key ${o.key} --certificate-chain ${o.out} …: client id x509_san_dns:${o.dns})`,
          ].join('\n'),
      );
    },
  );
}

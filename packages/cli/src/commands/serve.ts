/**
 * `sanad issuer serve` and `sanad verifier serve`: the HTTP services for deployment.
 * SQLite in the issuer folder by default; `--database postgres://…` for several instances
 * behind a load balancer. The operator API needs SANAD_OPERATOR_TOKEN; without it they refuse to start.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { generateKeyPair, loadTrustList, SanadError, signerFromJwk } from '@sanad/core';
import {
  loadCertificateChainFile,
  loadIssuerKeyFile,
  openIssuerFolder,
  refugeeStatusType,
  saveIssuerKeyFile,
} from '@sanad/issuer';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import {
  checkWalletProviders,
  type Composed,
  composeIssuerService,
  composeVerifierService,
  defencesOf,
  type ServiceConfig,
  type ServiceStoreSource,
  standardPresets,
  type VerifierPreset,
} from '@sanad/server';
import { createDirectoryStatusCache } from '@sanad/verifier';
import { type ConfigFlags, configOptions, loadServiceConfig } from './config.js';
import { action } from '../command.js';
import { statusPolicyOption, verifierNetwork } from '../network.js';
import { readInput, readJson } from '../io.js';
import { OPERATOR_TOKEN_ENV, untilStopped } from '../serve.js';
import {
  checkDatabaseUrl,
  databaseOption,
  listenService,
  portOption,
  requireFolder,
} from '../startup.js';
import { BUILD_WEB_HINT, builtWebApp } from '../web-apps.js';
import { databaseOf, loadTypes } from '../issuer-folder.js';
import { pinnedKeyOption } from './authority.js';

interface ServeOptions extends ConfigFlags {
  baseUrl: string;
  port: number;
  host: string;
  database?: string;
  schema?: string;
  allowHttp?: boolean;
}

function operatorToken(): string {
  const token = process.env[OPERATOR_TOKEN_ENV];
  if (!token)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `Set ${OPERATOR_TOKEN_ENV} (at least 24 random characters) for the operator API; the service does not run without one.`,
    );
  return token;
}

function checkBaseUrl(o: ServeOptions): string {
  const url = o.baseUrl.replace(/\/+$/, '');
  if (url.startsWith('http://')) {
    if (!o.allowHttp)
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        'The base URL must be https (put TLS in front); --allow-http is for local tests only.',
      );
    allowInsecureHttpUrls(true);
  } else if (!url.startsWith('https://')) {
    throw new SanadError('ERR_CONFIG_INVALID', '--base-url must be an https URL.');
  }
  return url;
}

const serveOptions = (cmd: Command): Command =>
  configOptions(cmd)
    .requiredOption(
      '--base-url <url>',
      'the public https URL of this service (behind TLS / a load balancer)',
    )
    .addOption(portOption('listen port', 8080))
    .option('--host <address>', 'listen address (0.0.0.0 behind a load balancer)', '127.0.0.1')
    .addOption(databaseOption())
    .option('--schema <name>', "PostgreSQL schema for Sanad's tables (default sanad)")
    .option('--allow-http', 'accept an http:// base URL (local tests only)');

/** PostgreSQL when a database URL is given, else SQLite at `sqlitePath`. */
function storeSource(
  database: { url?: string | undefined; schema?: string | undefined },
  sqlitePath: string,
): ServiceStoreSource {
  return database.url
    ? {
        postgres: {
          connectionString: database.url,
          ...(database.schema ? { schema: database.schema } : {}),
        },
      }
    : { sqlitePath };
}

/**
 * The settings file and profile with the command line over them: `--database`/`--schema`
 * (or SANAD_DATABASE_URL) and SANAD_LOG_LEVEL win over the file.
 */
async function effectiveConfig(o: ServeOptions): Promise<ServiceConfig> {
  const config = await loadServiceConfig(o);
  const url = o.database ?? config.database.url;
  const schema = o.schema ?? config.database.schema;
  return {
    ...config,
    database: {
      backend: url ? 'postgresql' : config.database.backend,
      ...(url ? { url } : {}),
      ...(schema ? { schema } : {}),
    },
  };
}

/** The parts of the settings both services take the same way. */
function commonOf(config: ServiceConfig) {
  return {
    defences: defencesOf(config),
    ...(process.env.SANAD_LOG_LEVEL ? {} : { observability: { logLevel: config.logLevel } }),
  };
}

const NEEDS_POSTGRES =
  'database.url: the settings ask for PostgreSQL (database.backend); give --database or set SANAD_DATABASE_URL';

/** Listens, reports, serves until a signal, then closes the server and everything composed. */
async function serveUntilStopped(
  composed: Composed<{ app: { fetch(r: Request): Response | Promise<Response> } }>,
  o: ServeOptions,
  report: (listening: string) => void,
): Promise<void> {
  const server = await listenService((r) => composed.service.app.fetch(r), o).catch(
    async (err: unknown) => {
      await composed.close();
      throw err;
    },
  );
  // Ready for SIGTERM before saying so: a supervisor may stop the service as soon as it reads the report.
  const stopped = untilStopped();
  report(server.url);
  await stopped;
  await server.close();
  await composed.close();
}

export function registerServeCommands(issuerCommand: Command, verifierCommand: Command): void {
  action<
    ServeOptions & { dir: string; walletProviders?: string; requireWalletAttestation?: boolean }
  >(
    serveOptions(
      issuerCommand
        .command('serve')
        .description(
          'run the OpenID4VCI issuer service (operator API token from SANAD_OPERATOR_TOKEN)',
        )
        .requiredOption('--dir <dir>', 'the issuer folder (from `sanad issuer init`)')
        .option(
          '--wallet-providers <file>',
          'JSON list of wallet providers whose attestations are accepted (HAIP): [{ name, certificate | jwks }]',
        )
        .option(
          '--require-wallet-attestation',
          'with --wallet-providers: refuse wallets without one',
        ),
    ),
    async (o, out) => {
      if (o.requireWalletAttestation && !o.walletProviders)
        throw new SanadError(
          'ERR_CONFIG_INVALID',
          '--require-wallet-attestation needs --wallet-providers: which providers would be accepted?',
        );
      const walletAttestation = o.walletProviders
        ? {
            providers: checkWalletProviders(await readJson(o.walletProviders)),
            ...(o.requireWalletAttestation ? { required: true } : {}),
          }
        : undefined;
      const baseUrl = checkBaseUrl(o);
      const token = operatorToken();
      const config = await effectiveConfig(o);
      requireFolder(
        o.dir,
        '--dir',
        `check the path, or create an issuer there with \`sanad issuer init --dir ${o.dir}\``,
      );
      // The folder's register wherever it is; refused when the folder and the database disagree.
      // A URL from the flags is checked (and warned about) as every command checks it; one from the file was validated with it.
      const fileUrl = o.database === undefined ? config.database.url : undefined;
      const database = fileUrl
        ? { url: fileUrl, ...(config.database.schema ? { schema: config.database.schema } : {}) }
        : databaseOf({ database: o.database, schema: config.database.schema });
      const folder = await openIssuerFolder(o.dir, {
        types: await loadTypes(o.dir),
        ...(database ? { database } : {}),
      });
      const { issuer, settings } = folder;
      // The folder may record its database itself; a SQLite register cannot serve several instances.
      if (config.database.backend === 'postgresql' && folder.storage !== 'postgresql') {
        await folder.close();
        throw new SanadError('ERR_CONFIG_INVALID', NEEDS_POSTGRES);
      }
      const {
        offerTtlSeconds,
        maxOpenOffers,
        maxTxCodeAttempts,
        maxTxCodeAttemptsPerClient,
        identifier,
        requireDpop,
      } = config.issuer;
      // Protocol state lives beside the register: in its PostgreSQL database, or in the folder.
      const composed = await composeIssuerService({
        issuer,
        store: storeSource(folder.database ?? {}, join(o.dir, 'service.sqlite')),
        baseUrl,
        operatorToken: token,
        ...commonOf(config),
        offerTtlSeconds,
        maxOpenOffers,
        maxTxCodeAttempts,
        maxTxCodeAttemptsPerClient,
        identifier,
        requireDpop,
        ...(walletAttestation ? { walletAttestation } : {}),
        closeAfter: [folder],
      });
      await serveUntilStopped(composed, o, (listening) =>
        out.result(
          {
            listening,
            base_url: baseUrl,
            profile: config.profile,
            issuer: settings.issuerId,
            ...(identifier === 'https' ? { sd_jwt_issuer: baseUrl } : {}),
            status_lists: settings.statusBaseUrl,
            storage: folder.storage,
            register: folder.where,
          },
          () =>
            [
              `Issuer service on ${listening} (public: ${baseUrl})`,
              `  issuer ${settings.issuerId}${identifier === 'https' ? ` (SD-JWT VC as ${baseUrl})` : ''}`,
              `  status lists under ${settings.statusBaseUrl}`,
              `  register: ${folder.where}`,
              'Ctrl-C stops.',
            ].join('\n'),
        ),
      );
    },
  );

  action<
    ServeOptions & {
      key: string;
      trust: string;
      pinnedKey?: string;
      name: string;
      presets?: string;
      allowOverAsking?: boolean;
      data: string;
      desk: boolean;
      onStatusUnavailable?: 'reject' | 'accept-with-warning';
      certificateChain?: string;
      clientIdPrefix?: 'x509_san_dns' | 'x509_hash';
    }
  >(
    serveOptions(
      verifierCommand
        .command('serve')
        .description(
          'run the OpenID4VP verifier service (operator API token from SANAD_OPERATOR_TOKEN)',
        )
        .requiredOption('--name <text>', 'the name holders see')
        .requiredOption('--trust <file>', 'trust list (JSON, or signed JWS with --pinned-key)')
        .option('--pinned-key <jwk-file|did>', 'trust-list authority key')
        .option('--key <file>', 'request-signing key (created if missing)', 'verifier-key.jwk.json')
        .option(
          '--certificate-chain <file>',
          "the key's X.509 chain (PEM, leaf first; `sanad pki verifier`): requests carry it as x5c (HAIP)",
        )
        .addOption(
          new Option(
            '--client-id-prefix <prefix>',
            'with --certificate-chain: how the client id names the certificate',
          )
            .choices(['x509_san_dns', 'x509_hash'])
            .default('x509_san_dns'),
        )
        .option(
          '--presets <file>',
          'JSON list of presets (default: over-18 and registered-refugee)',
        )
        .option(
          '--allow-over-asking',
          'start even if a preset asks for more than its purpose lists',
        )
        .addOption(
          statusPolicyOption().default(undefined, "reject, or the settings' verifier.statusPolicy"),
        )
        .option('--data <dir>', 'folder for the SQLite session store', '.')
        .option('--no-desk', 'do not serve the desk page at /desk/'),
    ),
    async (o, out) => {
      const baseUrl = checkBaseUrl(o);
      const token = operatorToken();
      const config = await effectiveConfig(o);
      if (config.database.backend === 'postgresql' && !config.database.url)
        throw new SanadError('ERR_CONFIG_INVALID', NEEDS_POSTGRES);
      requireFolder(o.data, '--data');
      if (!existsSync(o.key))
        requireFolder(
          dirname(o.key),
          '--key',
          `create it (mkdir -p ${dirname(o.key)}) or give --key a file in an existing folder`,
        );
      checkDatabaseUrl(o.database);
      if (!existsSync(o.key))
        await saveIssuerKeyFile(o.key, (await generateKeyPair('ES256')).privateJwk);
      const signer = await signerFromJwk(await loadIssuerKeyFile(o.key));
      const x5c = o.certificateChain
        ? await loadCertificateChainFile(o.certificateChain)
        : undefined;
      if (o.certificateChain && !x5c)
        throw new SanadError('ERR_FILE_NOT_FOUND', `${o.certificateChain} does not exist.`);
      const pinnedKey = await pinnedKeyOption(o.pinnedKey);
      const trustList = await loadTrustList(
        await readInput(o.trust),
        pinnedKey ? { pinnedKey } : {},
      );
      const presets = o.presets
        ? ((await readJson(o.presets)) as VerifierPreset[])
        : standardPresets(refugeeStatusType.definition.vct);
      const deskDir = o.desk ? builtWebApp('@sanad/verifier-web') : undefined;
      const v = config.verifier;
      const composed = await composeVerifierService({
        trustList,
        verification: {
          ...verifierNetwork(o.allowHttp),
          onStatusUnavailable: o.onStatusUnavailable ?? v.statusPolicy,
          ...(v.maxStatusAgeSeconds !== null ? { maxStatusAgeSeconds: v.maxStatusAgeSeconds } : {}),
          ...(v.statusListReuseSeconds !== null
            ? { statusListReuseSeconds: v.statusListReuseSeconds }
            : {}),
          ...(v.statusCache
            ? { statusCache: createDirectoryStatusCache(join(o.data, 'status-cache')) }
            : {}),
        },
        store: storeSource(config.database, join(o.data, 'verifier.sqlite')),
        ...commonOf(config),
        requestTtlSeconds: v.sessionTtlSeconds,
        resultRetentionSeconds: v.resultRetentionSeconds,
        forgetResultOnRead: v.forgetResultOnRead,
        maxOpenSessions: v.maxOpenSessions,
        baseUrl,
        signer,
        ...(x5c ? { x5c, x509ClientId: o.clientIdPrefix } : {}),
        verifierName: o.name,
        presets,
        operatorToken: token,
        ...(o.allowOverAsking ? { allowOverAsking: true } : {}),
        ...(deskDir ? { deskDir } : {}),
      });
      const service = composed.service;
      const desk = deskDir ? `${baseUrl}/desk/` : null;
      await serveUntilStopped(composed, o, (listening) =>
        out.result(
          {
            listening,
            base_url: baseUrl,
            profile: config.profile,
            client_id: service.clientId,
            presets: presets.map((p) => p.id),
            lint: service.lint,
            desk,
          },
          () =>
            [
              `Verifier service on ${listening} (public: ${baseUrl})`,
              `  client_id ${service.clientId}`,
              `  presets: ${presets.map((p) => p.id).join(', ')}`,
              desk
                ? `  desk page: ${desk}`
                : o.desk
                  ? `  desk page: not built; ${BUILD_WEB_HINT}`
                  : '  desk page: off (--no-desk)',
              'Ctrl-C stops.',
            ].join('\n'),
        ),
      );
    },
  );
}

/** `sanad sandbox`: the issuer and verifier services on localhost, to walk through with the CLI wallet, the web wallet and the desk. */
import type { Command } from 'commander';
import { startSandbox } from '@sanad/server';
import { action } from '../command.js';
import { renderQr } from '../qr.js';
import { untilStopped } from '../serve.js';
import { createFolder, explainListenFailure, portOption } from '../startup.js';
import { BUILD_WEB_HINT, builtWebApp } from '../web-apps.js';

export function registerSandboxCommand(program: Command): void {
  action<{ data: string; port: number }>(
    program
      .command('sandbox')
      .description(
        'run the issuer and verifier services on localhost (SQLite in --data) with a sample offer and request; Ctrl-C stops',
      )
      .option('--data <dir>', 'data folder (keys, SQLite)', '.sanad-sandbox')
      .addOption(
        portOption(
          'issuer port; the verifier uses the next one, the web wallet the one after',
          8080,
          65533,
        ),
      ),
    async (o, out) => {
      createFolder(o.data, '--data');
      const walletDir = builtWebApp('@sanad/wallet-web');
      const deskDir = builtWebApp('@sanad/verifier-web');
      const sandbox = await startSandbox({
        dataDir: o.data,
        port: o.port,
        ...(walletDir ? { walletDir } : {}),
        ...(deskDir ? { deskDir } : {}),
        log: (m) => out.progress(m),
      }).catch((err: unknown) => {
        throw explainListenFailure(err, {
          port: '--port (the sandbox takes that port and the next two)',
        });
      });
      const offerQr = await renderQr(sandbox.offer.offerUri);
      const requestQr = await renderQr(sandbox.session.authorizationRequest);
      // Ready for SIGTERM before saying so: a supervisor may stop the service as soon as it reads the report.
      const stopped = untilStopped();
      out.result(
        {
          issuer: sandbox.issuerUrl,
          verifier: sandbox.verifierUrl,
          wallet: sandbox.walletUrl ?? null,
          desk: sandbox.deskUrl ?? null,
          operator_token_file: `${o.data}/operator-token`,
          offer: {
            uri: sandbox.offer.offerUri,
            tx_code: sandbox.offer.txCode,
            qr_version: offerQr.version,
          },
          request: {
            uri: sandbox.session.authorizationRequest,
            session_id: sandbox.session.sessionId,
            qr_version: requestQr.version,
          },
          verifier_registry: {
            file: sandbox.verifierRegistry.file,
            authority_key_file: sandbox.verifierRegistry.authorityKeyFile,
          },
        },
        () =>
          [
            `Issuer   ${sandbox.issuerUrl}   (metadata: ${sandbox.issuerUrl}/.well-known/openid-credential-issuer)`,
            `Verifier ${sandbox.verifierUrl}`,
            `Operator token: in ${o.data}/operator-token`,
            sandbox.walletUrl
              ? `Web wallet ${sandbox.walletUrl}/`
              : `Web wallet: not built; ${BUILD_WEB_HINT}`,
            sandbox.deskUrl
              ? `Desk       ${sandbox.deskUrl}   (sign in with the operator token)`
              : `Desk: not built; ${BUILD_WEB_HINT}`,
            '',
            '1. Credential offer (scan, or use the link):',
            offerQr.terminal,
            sandbox.offer.offerUri,
            `   PIN (sent separately in real life): ${sandbox.offer.txCode}`,
            ...(sandbox.walletUrl
              ? [
                  '',
                  `   In the web wallet: ${sandbox.walletUrl}/?open=${encodeURIComponent(sandbox.offer.offerUri)}`,
                ]
              : []),
            '',
            '   With the CLI wallet (`sanad` on your PATH: see the README):',
            '     sanad wallet init',
            `     sanad wallet receive --allow-http '${sandbox.offer.offerUri}'`,
            '',
            '2. Verifier request "Over 18" (scan, or use the link):',
            requestQr.terminal,
            sandbox.session.authorizationRequest,
            '',
            `     sanad wallet respond --allow-http --verifier-registry ${sandbox.verifierRegistry.file} --registry-key ${sandbox.verifierRegistry.authorityKeyFile} '${sandbox.session.authorizationRequest}'`,
            '',
            'Results appear below. Ctrl-C stops.',
          ].join('\n'),
      );
      // Report the sample session's result once it arrives.
      const poll = setInterval(() => {
        void sandbox.verifier.sessionResult(sandbox.session.sessionId).then(
          (s) => {
            if (s.status !== 'answered') return;
            clearInterval(poll);
            const r = s.result!;
            process.stderr.write(
              `Verifier result: ${r.verified ? 'VERIFIED' : 'REJECTED'} ${JSON.stringify(r.claims)}${r.errors.length ? ` ${r.errors.map((e) => e.code).join(', ')}` : ''}\n`,
            );
          },
          () => clearInterval(poll),
        );
      }, 1000);
      await stopped;
      clearInterval(poll);
      await sandbox.close();
      process.stderr.write('Sandbox stopped.\n');
    },
  );
}

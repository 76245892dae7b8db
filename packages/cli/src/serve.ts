/** Running a service in the foreground until Ctrl-C or SIGTERM (from systemd, Docker, a load balancer). */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const OPERATOR_TOKEN_ENV = 'SANAD_OPERATOR_TOKEN';

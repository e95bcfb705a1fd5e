/**
 * A control plane in its own process, started by the e2e harness (`startControlPlaneProcess`) so that a test can
 * SIGKILL it: a crash that releases nothing, unlike a graceful stop. Settings come as JSON in CAPSTAN_E2E_PLANE;
 * prints `CAPSTAN_E2E_READY {"identity","apiUrl"}` once up.
 */
import type { CapstanConfig } from '../../src/app/config.ts';
import { startControlPlane, type ControlPlaneOptions } from '../../src/app/up.ts';

const settings = JSON.parse(process.env.CAPSTAN_E2E_PLANE ?? '{}') as {
  config: Partial<CapstanConfig>;
  controllers?: ControlPlaneOptions['controllers'];
};
const plane = await startControlPlane(
  settings.config,
  settings.controllers ? { controllers: settings.controllers } : {},
);
process.stdout.write(
  `CAPSTAN_E2E_READY ${JSON.stringify({ identity: plane.manager.identity, apiUrl: plane.api.url })}\n`,
);
process.once('SIGTERM', () => {
  void plane.stop().finally(() => process.exit(0));
});

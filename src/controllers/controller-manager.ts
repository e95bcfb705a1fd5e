import type { Redis } from 'ioredis';
import { EventRecorder } from '../events/event-recorder.ts';
import type { Store } from '../store/store.ts';
import { logger as rootLogger, type Logger } from '../util/logger.ts';
import { SharedInformers, type Controller, type ControllerContext } from './controller-context.ts';
import { DeploymentController, type DeploymentControllerOptions } from './deployment-controller.ts';
import { EndpointsController } from './endpoints-controller.ts';
import { EventTtlController, type EventTtlOptions } from './event-ttl-controller.ts';
import { GarbageCollector, type GarbageCollectorOptions } from './garbage-collector.ts';
import { defaultIdentity, LeaderElector, type LeaderElectionOptions } from './leader-election.ts';
import { NamespaceController, type NamespaceControllerOptions } from './namespace-controller.ts';
import { NodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle-controller.ts';
import { ReplicationControllerController, type ReplicationControllerOptions } from './replication-controller.ts';
import { SchedulerController, type SchedulerOptions } from './scheduler-controller.ts';

export type ControllerName =
  | 'scheduler'
  | 'replication-controller'
  | 'deployment-controller'
  | 'endpoints-controller'
  | 'garbage-collector'
  | 'node-lifecycle-controller'
  | 'namespace-controller'
  | 'event-ttl-controller';

export const ALL_CONTROLLERS: readonly ControllerName[] = [
  'scheduler',
  'replication-controller',
  'deployment-controller',
  'endpoints-controller',
  'garbage-collector',
  'node-lifecycle-controller',
  'namespace-controller',
  'event-ttl-controller',
];

export interface ControllerManagerOptions {
  store: Store;
  /** Holder identity in the leader lease. Default `hostname-pid-random`. */
  identity?: string;
  /**
   * Leader election on the store's Redis (key `<prefix>controller-leader`), so that only one of several
   * `capstan server` processes runs controllers. `false` runs them at once, unconditionally (one process only,
   * or a store that is not Redis).
   */
  leaderElection: false | (LeaderElectionOptions & { key?: string });
  /** Which controllers run. Default all. */
  controllers?: readonly ControllerName[];
  scheduler?: SchedulerOptions;
  replication?: ReplicationControllerOptions;
  deployment?: DeploymentControllerOptions;
  garbageCollector?: GarbageCollectorOptions;
  nodeLifecycle?: NodeLifecycleOptions;
  namespace?: NamespaceControllerOptions;
  eventTtl?: EventTtlOptions;
  logger?: Logger;
}

export interface ControllerManager {
  /** True while this manager's controllers run (it holds the leader lease, or election is off). */
  readonly isLeader: boolean;
  readonly identity: string;
  /** Stops the controllers and, when leading, releases the lease so another process takes over at once. */
  stop(): Promise<void>;
}

/** Redis access for leader election; a RedisStore has it. */
interface RedisBacked {
  redis: Redis;
  prefix: string;
}

function isRedisBacked(store: Store): store is Store & RedisBacked {
  return 'redis' in store && 'prefix' in store;
}

/**
 * Runs the control loops (scheduler, ReplicationController, Deployment, Endpoints, garbage collector, node
 * lifecycle, namespace deletion, Event TTL) over one set of shared informers. With leader election, they start
 * when this process acquires the lease and stop at once when it is lost: a fresh set of informers and queues per
 * term, so a new term never acts on the previous term's expectations or cache.
 */
export function startControllerManager(options: ControllerManagerOptions): ControllerManager {
  const { store } = options;
  const identity = options.identity ?? defaultIdentity();
  const logger = (options.logger ?? rootLogger).child({ component: 'controller-manager', identity });
  let term: Promise<RunningTerm> | undefined;

  const startTerm = () => {
    term = runTerm(options, logger);
  };
  const stopTerm = async () => {
    const current = term;
    term = undefined;
    if (current) await (await current).stop();
  };

  let elector: LeaderElector | undefined;
  if (options.leaderElection === false) {
    startTerm();
  } else {
    if (!isRedisBacked(store)) {
      throw new Error('leader election needs a Redis store (createRedisStore); pass leaderElection: false otherwise');
    }
    const key = options.leaderElection.key ?? `${store.prefix}controller-leader`;
    elector = new LeaderElector(
      store.redis,
      key,
      identity,
      { onStartedLeading: startTerm, onStoppedLeading: () => void stopTerm() },
      options.leaderElection,
      logger,
    );
    elector.start();
  }

  return {
    identity,
    get isLeader() {
      return term !== undefined;
    },
    async stop() {
      if (elector) await elector.stop();
      await stopTerm();
    },
  };
}

interface RunningTerm {
  stop(): Promise<void>;
}

async function runTerm(options: ControllerManagerOptions, logger: Logger): Promise<RunningTerm> {
  const { store } = options;
  const informers = new SharedInformers(store);
  const enabled = new Set(options.controllers ?? ALL_CONTROLLERS);
  const context = (component: ControllerName): ControllerContext => ({
    store,
    informers,
    logger: logger.child({ controller: component }),
    events: new EventRecorder(store, { component }, { logger }),
  });
  const controllers: Controller[] = [];
  if (enabled.has('scheduler')) controllers.push(new SchedulerController(context('scheduler'), options.scheduler));
  if (enabled.has('replication-controller')) {
    controllers.push(new ReplicationControllerController(context('replication-controller'), options.replication));
  }
  if (enabled.has('deployment-controller')) {
    controllers.push(new DeploymentController(context('deployment-controller'), options.deployment));
  }
  if (enabled.has('endpoints-controller')) controllers.push(new EndpointsController(context('endpoints-controller')));
  if (enabled.has('garbage-collector')) {
    controllers.push(new GarbageCollector(context('garbage-collector'), options.garbageCollector));
  }
  if (enabled.has('namespace-controller')) {
    controllers.push(new NamespaceController(context('namespace-controller'), options.namespace));
  }
  if (enabled.has('node-lifecycle-controller')) {
    controllers.push(new NodeLifecycleController(context('node-lifecycle-controller'), options.nodeLifecycle));
  }
  if (enabled.has('event-ttl-controller')) {
    controllers.push(new EventTtlController(context('event-ttl-controller'), options.eventTtl));
  }

  let stopped = false;
  let cancel!: () => void;
  const cancelled = new Promise<void>((resolve) => (cancel = resolve));
  informers.start();
  const running = (async () => {
    // Controllers act on a complete cache only: an RC seeing half its pods would create the rest again.
    await Promise.race([informers.synced(), cancelled]);
    if (stopped) return;
    logger.info({ controllers: controllers.map((c) => c.name) }, 'controllers started');
    await Promise.all(
      controllers.map((c) =>
        c.run().catch((err: unknown) => logger.error({ err, controller: c.name }, 'controller crashed')),
      ),
    );
  })();

  return {
    async stop() {
      stopped = true;
      cancel();
      for (const c of controllers) c.stop();
      await informers.stop();
      await running;
      logger.info('controllers stopped');
    },
  };
}

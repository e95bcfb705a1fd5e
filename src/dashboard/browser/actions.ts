/// <reference lib="dom" />
import {
  CordonDocument,
  DashboardRolloutRestartDocument,
  DeleteDeploymentDocument,
  DeletePodDocument,
  DeleteReplicationControllerDocument,
  DrainDocument,
  isCapstanClientError,
  RolloutUndoDocument,
  ScaleDocument,
  UncordonDocument,
  type CapstanClient,
} from '../../sdk/browser.ts';
import type { ActionName, RowAction } from './columns.ts';

/** What the user chose in the action's dialog. */
export interface ActionChoice {
  replicas?: number;
  /** Drain only: also delete pods that no controller manages. */
  force?: boolean;
}

function describe(target: RowAction): string {
  const kind = target.kind === 'ReplicationController' ? 'replication controller' : target.kind.toLowerCase();
  return `${kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
}

/** The question the confirmation dialog asks before an action. */
export function actionQuestion(target: RowAction): string {
  const what = describe(target);
  const questions: Record<ActionName, string> = {
    scale: `Scale ${what} to how many replicas?`,
    restart: `Restart every pod of ${what} through a rolling update?`,
    undo: `Roll ${what} back to its previous revision?`,
    delete: `Delete ${what}?`,
    cordon: `Cordon ${what}? No new pods will be scheduled there.`,
    uncordon: `Uncordon ${what}? Pods may be scheduled there again.`,
    drain: `Drain ${what}? It is cordoned and its pods are evicted.`,
  };
  return questions[target.action];
}

/**
 * Carries out an action with the page's token and says what happened, as kubectl would (`deployment default/web
 * scaled`). Rejects with the server's error (FORBIDDEN for a viewer token, CONFLICT, NOT_FOUND...).
 */
export async function runAction(api: CapstanClient, target: RowAction, choice: ActionChoice = {}): Promise<string> {
  const what = describe(target);
  const namespace = target.namespace ?? '';
  const { name } = target;
  switch (target.action) {
    case 'scale': {
      const replicas = choice.replicas ?? target.replicas ?? 1;
      if (target.kind !== 'Deployment' && target.kind !== 'ReplicationController') break;
      await api.request(ScaleDocument, { kind: target.kind, namespace, name, replicas });
      return `${what} scaled to ${replicas}`;
    }
    case 'restart':
      await api.request(DashboardRolloutRestartDocument, { namespace, name });
      return `${what} restarted`;
    case 'undo': {
      const { rolloutUndo } = await api.request(RolloutUndoDocument, { namespace, name });
      return rolloutUndo.rolledBack
        ? `${what} rolled back to revision ${rolloutUndo.revision}`
        : `${what} ${rolloutUndo.message}`;
    }
    case 'delete':
      if (target.kind === 'Pod') await api.request(DeletePodDocument, { namespace, name });
      else if (target.kind === 'Deployment') await api.request(DeleteDeploymentDocument, { namespace, name });
      else if (target.kind === 'ReplicationController') {
        await api.request(DeleteReplicationControllerDocument, { namespace, name });
      } else break;
      return `${what} deleted`;
    case 'cordon':
      await api.request(CordonDocument, { name });
      return `${what} cordoned`;
    case 'uncordon':
      await api.request(UncordonDocument, { name });
      return `${what} uncordoned`;
    case 'drain': {
      const { drain } = await api.request(DrainDocument, { name, force: choice.force ?? false });
      const count = drain.deletedPods.length;
      return `${what} drained: ${count} pod${count === 1 ? '' : 's'} evicted`;
    }
  }
  throw new Error(`${target.action} does not apply to ${what}`);
}

/** An error as the page shows it: what the server said, and for a refusal that the token may not do this. */
export function actionError(err: unknown): string {
  if (isCapstanClientError(err)) {
    if (err.code === 'FORBIDDEN') return `Not allowed (FORBIDDEN): ${err.message}`;
    return `${err.code}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Reads a row button's action back from its data attributes (render.ts writes them). */
export function actionOf(button: HTMLElement): RowAction | undefined {
  const { action, kind, name, namespace, replicas } = button.dataset;
  if (!action || !kind || !name) return undefined;
  return {
    action: action as ActionName,
    kind: kind as RowAction['kind'],
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(replicas !== undefined ? { replicas: Number(replicas) } : {}),
  };
}

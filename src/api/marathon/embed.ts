/**
 * `embed` values for apps, as Marathon's InfoEmbedResolver reads them: the `apps.`, `app.` and
 * `group.apps.` prefixes are interchangeable (or absent), unknown values are ignored, `tasks`
 * implies `deployments`, and the deprecated `failures` means tasks + lastTaskFailure + deployments.
 */
export type AppEmbed = 'tasks' | 'counts' | 'deployments' | 'readiness' | 'lastTaskFailure' | 'taskStats';

const PREFIXES = ['group.apps.', 'apps.', 'app.'];

export function resolveAppEmbed(values: string[]): Set<AppEmbed> {
  const out = new Set<AppEmbed>();
  for (const raw of values) {
    const prefix = PREFIXES.find((p) => raw.startsWith(p)) ?? '';
    switch (raw.slice(prefix.length)) {
      case 'tasks':
        out.add('tasks').add('deployments');
        break;
      case 'failures':
        out.add('tasks').add('lastTaskFailure').add('deployments');
        break;
      case 'counts':
      case 'count':
        out.add('counts');
        break;
      case 'deployments':
        out.add('deployments');
        break;
      case 'readiness':
        out.add('readiness');
        break;
      case 'lastTaskFailure':
        out.add('lastTaskFailure');
        break;
      case 'taskStats':
        out.add('taskStats');
        break;
    }
  }
  return out;
}

/** `GET /v2/apps` always adds counts and deployments (Marathon 1.x, "additional embeds are deprecated"). */
export function listEmbed(values: string[]): Set<AppEmbed> {
  return resolveAppEmbed(values).add('counts').add('deployments');
}

/** `GET /v2/apps/{id}` always adds counts, tasks, lastTaskFailure and deployments (Marathon 1.x). */
export function showEmbed(values: string[]): Set<AppEmbed> {
  return resolveAppEmbed(values).add('counts').add('tasks').add('lastTaskFailure').add('deployments');
}

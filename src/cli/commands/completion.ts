/** `drover completion bash|zsh|fish`: a completion script made from the command tree itself. */
import type { Command } from 'commander';
import { DroverError } from '../../domain/errors.js';
import { example } from '../example.js';
import type { RegisterCommand } from '../register-command.js';

interface Node {
  name: string;
  subcommands: string[];
  options: string[];
}

/** Every command path (`app`, `app list`...) with its subcommands and long options. */
export function commandTree(program: Command): Map<string, Node> {
  const out = new Map<string, Node>();
  const walk = (cmd: Command, path: string) => {
    const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    const subs = visible.map((c) => c.name());
    // `drover agent list|drain|undrain` are the hidden `agents` command's.
    if (path === 'agent') subs.push('list', 'drain', 'undrain');
    out.set(path, {
      name: path,
      subcommands: subs,
      options: cmd.options.map((o) => o.long).filter((o): o is string => Boolean(o)),
    });
    for (const c of cmd.commands) walk(c, path === '' ? c.name() : `${path} ${c.name()}`);
  };
  walk(program, '');
  return out;
}

export function completionScript(shell: string, program: Command): string {
  const tree = commandTree(program);
  if (shell === 'bash' || shell === 'zsh') {
    const cases = [...tree.values()]
      .map((n) => `    "${n.name}") words="${[...n.subcommands, ...n.options].join(' ')}" ;;`)
      .join('\n');
    const body = `_drover_complete() {
  local cur path word
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) if [ -z "$path" ]; then candidate="$word"; else candidate="$path $word"; fi
      if _drover_known "$candidate"; then path="$candidate"; fi ;;
    esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
_drover_known() {
  case "$1" in
${[...tree.keys()].map((k) => `    "${k}") return 0 ;;`).join('\n')}
  esac
  return 1
}
`;
    if (shell === 'bash')
      return `# drover completion for bash: source <(drover completion bash)\n${body}complete -o default -F _drover_complete drover\n`;
    return `# drover completion for zsh: source <(drover completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${body}complete -o default -F _drover_complete drover\n`;
  }
  if (shell === 'fish') {
    const lines = ['# drover completion for fish: drover completion fish | source', 'complete -c drover -f'];
    for (const n of tree.values()) {
      const words = n.name === '' ? [] : n.name.split(' ');
      const cond =
        words.length === 0
          ? '__fish_use_subcommand'
          : `__fish_seen_subcommand_from ${words[words.length - 1]}${words.length > 1 ? `; and __fish_seen_subcommand_from ${words[0]}` : ''}`;
      for (const s of n.subcommands) lines.push(`complete -c drover -n '${cond}' -a '${s}'`);
      for (const o of n.options) lines.push(`complete -c drover -n '${cond}' -l '${o.replace(/^--/, '')}'`);
    }
    return `${lines.join('\n')}\n`;
  }
  throw new DroverError('USAGE', `unknown shell '${shell}': bash, zsh or fish`);
}

export const registerCompletion: RegisterCommand = (program) => {
  example(
    program
      .command('completion')
      .description('print a shell completion script')
      .argument('<shell>', 'bash, zsh or fish')
      .action((shell: string) => {
        process.stdout.write(completionScript(shell, program));
      }),
    'source <(drover completion bash)',
    'drover completion fish > ~/.config/fish/completions/drover.fish',
  );
};

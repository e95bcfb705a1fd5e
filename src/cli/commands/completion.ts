import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { kindNames } from '../kinds.ts';
import type { CliIo } from '../session.ts';

/** Verbs whose first argument is a kind, and whose next arguments are names of that kind. */
const KIND_VERBS = ['get', 'describe', 'delete', 'scale', 'expose', 'label', 'annotate', 'edit'];

function flagsOf(command: Command): string[] {
  return command.options.flatMap((o) => [o.short, o.long].filter((f): f is string => Boolean(f)));
}

/**
 * A bash completion script for the command tree: verbs, sub-verbs, flags, kind names, and object names read from
 * the cluster with `capstan get KIND -o name`. zsh uses it through bashcompinit.
 */
export function bashCompletion(program: Command): string {
  const cases = program.commands
    .map((command) => {
      const words = [...command.commands.map((c) => c.name()), ...flagsOf(command), '--help'];
      return `    ${[command.name(), ...command.aliases()].join('|')}) words="${words.join(' ')}" ;;`;
    })
    .join('\n');
  const verbs = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).join(' ');
  return `# capstan bash completion. Load it with:  source <(capstan completion bash)
_capstan() {
  local cur=\${COMP_WORDS[COMP_CWORD]} verb="" kind="" i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in
      -*) ;;
      *) if [[ -z $verb ]]; then verb=\${COMP_WORDS[i]}; elif [[ -z $kind ]]; then kind=\${COMP_WORDS[i]}; fi ;;
    esac
  done
  if [[ -z $verb ]]; then
    COMPREPLY=($(compgen -W "${verbs} ${flagsOf(program).join(' ')}" -- "$cur"))
    return
  fi
  case $verb in
${cases}
    *) words="" ;;
  esac
  if [[ $cur != -* ]]; then
    case " ${KIND_VERBS.join(' ')} " in
      *" $verb "*)
        if [[ -z $kind ]]; then
          words="${kindNames().join(' ')}"
        else
          words=$(capstan get "$kind" -o name 2>/dev/null | sed 's|.*/||')
        fi
        ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _capstan capstan
`;
}

export function registerCompletionCommand(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash, or zsh through bashcompinit)')
    .argument('<shell>', 'bash | zsh')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(capstan completion bash)\n  capstan completion bash > /etc/bash_completion.d/capstan\n' +
        '  autoload -U +X bashcompinit && bashcompinit && source <(capstan completion zsh)',
    )
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new CliError(`unsupported shell "${shell}" (use bash or zsh)`);
      const script = bashCompletion(program);
      io.stdout.write(shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${script}` : script);
    });
}

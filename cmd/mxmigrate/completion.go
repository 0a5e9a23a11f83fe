package main

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mxmigrate/mxmigrate/config"
)

// Shell completion: `mxmigrate completion bash|zsh|fish` prints a script that
// asks the hidden `mxmigrate __complete -- LINE` for the words that can end
// LINE (the command line up to the cursor): commands, the flags of the
// command (or the global ones), and after -n the environments of the
// metaxy.toml that --config, METAXY_CONFIG or discovery selects.

var completionScripts = map[string]string{
	"bash": `# mxmigrate completion for bash: source <(mxmigrate completion bash)
_mxmigrate_complete() {
	local line="${COMP_LINE:0:COMP_POINT}" IFS=$'\n' cur i p wb=""
	cur="${line##*[[:space:]]}"
	COMPREPLY=($(command "${COMP_WORDS[0]}" __complete -- "$line" 2>/dev/null))
	# bash's current word begins after the last ':' or '=' (COMP_WORDBREAKS):
	# "dev:metaxy_s", "--name=de"; the answers are whole words, so cut that
	[[ "$COMP_WORDBREAKS" == *:* ]] && wb+=":"
	[[ "$COMP_WORDBREAKS" == *=* ]] && wb+="="
	if [[ -n "$wb" && "$cur" == *["$wb"]* ]]; then
		p="${cur%"${cur##*["$wb"]}"}"
		for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="${COMPREPLY[i]#"$p"}"; done
	fi
}
complete -o default -F _mxmigrate_complete mxmigrate
`,
	"zsh": `#compdef mxmigrate
# mxmigrate completion for zsh: source <(mxmigrate completion zsh)
_mxmigrate() {
	local -a words_out
	words_out=("${(@f)$(${words[1]} __complete -- "${(j: :)words[1,CURRENT]}" 2>/dev/null)}")
	compadd -Q -a words_out
}
compdef _mxmigrate mxmigrate
`,
	"fish": `# mxmigrate completion for fish: mxmigrate completion fish | source
complete -c mxmigrate -f -a '(mxmigrate __complete -- (commandline -cp))'
`,
}

func completionCommands() []*cli.Command {
	return []*cli.Command{
		{
			Name:      "completion",
			Usage:     "print a shell completion script (bash, zsh or fish): commands, flags, environments",
			ArgsUsage: "bash|zsh|fish",
			Description: `Completes commands, flags, and after -n the environments of the metaxy.toml
that --config, METAXY_CONFIG or discovery from the current directory selects.

   source <(mxmigrate completion bash)      # in ~/.bashrc
   source <(mxmigrate completion zsh)       # in ~/.zshrc, after compinit
   mxmigrate completion fish | source       # in ~/.config/fish/config.fish`,
			Action: func(c *cli.Context) error {
				script, ok := completionScripts[c.Args().First()]
				if !ok || c.NArg() != 1 {
					return usagef("completion needs one shell: bash, zsh or fish")
				}
				fmt.Fprint(c.App.Writer, script)
				return nil
			},
		},
		{
			Name:            "__complete",
			Hidden:          true,
			SkipFlagParsing: true,
			Action: func(c *cli.Context) error {
				args := c.Args().Slice()
				if len(args) > 0 && args[0] == "--" {
					args = args[1:]
				}
				for _, w := range complete(c.App, strings.Join(args, " ")) {
					fmt.Fprintln(c.App.Writer, w)
				}
				return nil
			},
		},
	}
}

// complete returns the words that can end line (the program name first),
// sorted; the last word of line (empty after a space) is the prefix.
func complete(app *cli.App, line string) []string {
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") || len(words) == 0 {
		words = append(words, "")
	}
	cur, before := words[len(words)-1], words[1:len(words)-1]
	var cmd *cli.Command
	cfgPath, prev := "", ""
	for _, w := range before {
		switch {
		case strings.HasPrefix(w, "--config="):
			cfgPath = strings.TrimPrefix(w, "--config=")
		case prev == "--config":
			cfgPath = w
		case cmd == nil && !strings.HasPrefix(w, "-"):
			cmd = app.Command(w)
		}
		prev = w
	}
	one := cmd != nil && needsOneEnv(cmd)
	var cands []string
	switch {
	case prev == "-n" || prev == "--name":
		cands = environmentNames(cfgPath, one)
	case strings.HasPrefix(cur, "--name="):
		cands = prefixed("--name=", environmentNames(cfgPath, one))
	case prev == "--format" && hasFlag(cmd, "format"):
		cands = formats
	case strings.HasPrefix(cur, "--format=") && hasFlag(cmd, "format"):
		cands = prefixed("--format=", formats)
	case strings.HasPrefix(cur, "--definitions-from-store=") && hasFlag(cmd, "definitions-from-store"):
		cands = prefixed("--definitions-from-store=", storeNames(cfgPath))
	case strings.HasPrefix(cur, "-"):
		flags := app.Flags
		if cmd != nil {
			flags = cmd.Flags
		}
		for _, f := range flags {
			for _, n := range f.Names() {
				if len(n) == 1 {
					cands = append(cands, "-"+n)
				} else {
					cands = append(cands, "--"+n)
				}
			}
		}
		cands = append(cands, "--help")
	case cmd == nil:
		for _, c := range app.Commands {
			if !c.Hidden {
				cands = append(cands, c.Name)
			}
		}
	case cmd.Name == "completion":
		cands = []string{"bash", "fish", "zsh"}
	}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, cur) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// formats are --format's values.
var formats = []string{"seq", "unix"}

func prefixed(prefix string, words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = prefix + w
	}
	return out
}

// hasFlag reports whether cmd (nil: none) takes the flag name.
func hasFlag(cmd *cli.Command, name string) bool { return flagNamed(cmd, name) != nil }

// flagNamed is cmd's flag called name (nil when cmd is nil or has none).
func flagNamed(cmd *cli.Command, name string) cli.Flag {
	if cmd == nil {
		return nil
	}
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// environmentNames are the -n values of the selected metaxy.toml: each
// <store>:<target>, and unless one (a command that needs one environment)
// each store and the bare targets (the default store's); none when no
// configuration loads.
func environmentNames(path string, one bool) []string {
	stores := storeNames(path)
	var out []string
	if !one && len(stores) > 0 {
		out = append(out, config.TargetSystem, config.TargetFeatures)
	}
	for _, name := range stores {
		if !one {
			out = append(out, name)
		}
		out = append(out, name+":"+config.TargetSystem, name+":"+config.TargetFeatures)
	}
	return out
}

// storeNames are the stores of the selected metaxy.toml (none when it does
// not load).
func storeNames(path string) []string {
	c, err := config.Load(config.Options{Path: path})
	if err != nil {
		return nil
	}
	return slices.Collect(maps.Keys(c.Stores))
}

// Command reportsd is the Conductor Reports server: the composition root
// that builds the configuration, the adapters, the actor system and the
// HTTP edge, and the admin subcommands.
//
//	reportsd serve [--demo] [flags]   serve the API (and UI) on --listen
//	reportsd migrate [flags]          apply metadata and analytics migrations and exit
//	reportsd seed [flags]             create the demo tenant and exit
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage: reportsd <command> [flags]

commands:
  serve     serve the API on --listen (default 127.0.0.1:8080); --demo seeds the demo tenant
  migrate   apply the metadata and analytics store migrations and exit
  seed      create (or refresh) the demo tenant "acme" and exit

Run "reportsd <command> -h" for the flags; every flag also reads REPORTS_<FLAG> from the environment.
`

// run is main without the process: tests call it with their own context,
// arguments, environment and outputs. It returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var fn func(context.Context, Config, io.Writer, io.Writer) error
	switch cmd {
	case "serve":
		fn = serve
	case "migrate":
		fn = migrate
	case "seed":
		fn = seed
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "reportsd: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, err := LoadConfig(cmd, rest, getenv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "reportsd %s: configuration: %v\n", cmd, err)
		return 2
	}
	if err := fn(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "reportsd %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

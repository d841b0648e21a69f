// Package config owns the server's configuration: the table of every
// directive Valkey 9.0 accepts, their values, and the four ways they
// change hands — the command line, config files, CONFIG GET/SET and
// CONFIG REWRITE — each with Valkey's exact syntax, defaults, bounds, quirks
// and error texts.
//
// The table (table.go) lists each directive's name and alias
// (slaveof -> replicaof, hash-max-ziplist-entries ->
// hash-max-listpack-entries, lua-time-limit -> busy-reply-threshold, ...),
// type (yes/no, string, enum, integer, memory size with k/kb/m/mb/g/gb
// units, percentage, octal, or special syntax like save and
// client-output-buffer-limit), default as CONFIG GET prints it, bounds, and
// flags: Immutable (startup only), Protected (needs
// enable-protected-configs), Hidden (CONFIG GET by exact name only),
// DenyLoading, Sensitive (redact), MultiArg. A Config holds one value per
// directive; Hot mirrors the values read on hot paths as atomics.
//
//	cfg := config.New()
//	switch cl, err := cfg.ParseCommandLine(os.Args[1:]); {
//	case err != nil: // --test-memory without a size
//		fmt.Fprint(os.Stderr, err); os.Exit(1)
//	case cl.Action == config.ActionVersion: ...
//	default:
//		if err := cfg.LoadCommandLine(cl, os.Stdin); err != nil {
//			var le *config.LoadError
//			if errors.As(err, &le) { fmt.Fprint(os.Stderr, le.Stderr()) } else { log(err) }
//			os.Exit(1)
//		}
//	}
//	cfg.OnChange("maxclients", func(old, new string) error { return raiseFileLimit(new) })
//	...
//	hz := cfg.Hot.Hz.Load()                        // hot path: one atomic load
//	err := cfg.SetManyWith(pairs, config.SetOptions{Local: isLoopback})
//	reply := cfg.GetPattern(patterns)              // CONFIG GET
//	err = cfg.Rewrite()                            // CONFIG REWRITE
//
// Errors meant for clients are *Error, whose Error() is the reply without
// the leading '-' ("ERR CONFIG SET failed (possibly related to argument
// 'port') - argument must be between 0 and 65535 inclusive"). Loading errors
// are *LoadError (Valkey's "*** FATAL CONFIG FILE ERROR ***" report) or
// *OpenError.
//
// Caller's duties:
//  1. Handle the command line's Action (version, help, memory test, system
//     check) before loading; ParseArgs refuses a line that does not run.
//  2. Set Hooks before loading: RenameCommand, User and LoadModule check
//     the config-file-only directives (rename-command, user, loadmodule);
//     RewriteUsers and RewriteModules give CONFIG REWRITE their lines.
//     Without hooks these directives are recorded (RenamedCommands, Users,
//     Modules) and kept untouched by Rewrite.
//  3. Refuse to start when ModuleConfigs is not empty and no module takes
//     them, as Valkey does.
//  4. Register OnChange hooks for directives whose change needs action
//     (port, bind, tls-*, maxclients, appendonly, requirepass, oom-score-adj,
//     locale-collate, ...). A hook's error fails CONFIG SET and rolls every
//     value of the call back. Hooks run with the writer lock held: read the
//     Config from them, never change it. Loading runs no hooks.
//  5. Pass SetOptions.Local and SetOptions.Loading so Protected and
//     DenyLoading directives are refused as Valkey refuses them.
//  6. Redact CONFIG SET values of directives flagged Sensitive.
//  7. Know that setting dir changes the process's working directory, as
//     in Valkey; relative file names (dbfilename, logfile, ...) follow it.
package config

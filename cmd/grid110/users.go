package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/signin"
)

// usersCmd manages staff accounts: "users add" creates one (the first
// administrator, on a new installation), "users key" makes an API key.
func usersCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "key") {
		fmt.Fprint(stderr, "usage: grid110 users add|key [flags]; grid110 users add -h for the flags\n")
		return errUsage
	}
	var a signin.NewAccount
	var role, keyName string
	sub := args[0]
	cmd, err := newCommand("users "+sub, args[1:], getenv, stderr, func(fs *flag.FlagSet, _ *config) {
		fs.StringVar(&a.Username, "username", "", "account name: a–z, 0–9, '.', '_', '-'")
		if sub == "key" {
			fs.StringVar(&keyName, "name", "", "what the key is for, e.g. \"12345 hotline bridge\"")
			return
		}
		fs.StringVar(&a.DisplayName, "name", "", "the person's or system's name as shown (default: the username)")
		fs.StringVar(&role, "role", "", "one of "+roleList())
		fs.StringVar(&a.GridCode, "grid", "", "code of the jurisdiction grid, e.g. 350600 for the whole city")
		fs.StringVar(&a.TeamCode, "team", "", "team code, for a team_member")
		fs.StringVar(&a.Department, "department", "", "department code, for a department handler")
	})
	if err != nil {
		return err
	}
	pool, err := cmd.cfg.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc := signin.New(postgres.NewStore(pool), 0)
	if sub == "key" {
		if a.Username == "" {
			return fmt.Errorf("--username is required")
		}
		key, err := svc.NewAPIKey(ctx, a.Username, keyName)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", key)
		cmd.log.Info("API key made; it is shown only this once", "username", a.Username, "name", keyName)
		return nil
	}
	a.Role = grid110.StaffRole(role)
	if a.DisplayName == "" {
		a.DisplayName = a.Username
	}
	if a.Role != grid110.StaffAPIClient {
		if a.Password, err = readPassword(getenv, stdin, stderr); err != nil {
			return err
		}
	}
	p, err := svc.AddAccount(ctx, a)
	if err != nil {
		return err
	}
	cmd.log.Info("account created", "id", p.ID, "username", p.Username, "role", p.Role, "grid_id", p.GridID)
	return nil
}

func roleList() string {
	var s []string
	for _, r := range grid110.StaffRoles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

// readPassword takes the password from GRID110_PASSWORD (for scripts), or
// else from the first line of stdin, with a prompt on stderr.
func readPassword(getenv func(string) string, stdin io.Reader, stderr io.Writer) (string, error) {
	if pw := getenv("GRID110_PASSWORD"); pw != "" {
		return pw, nil
	}
	fmt.Fprintf(stderr, "password (at least %d characters): ", signin.MinPassword)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password: set GRID110_PASSWORD or type one")
	}
	return line, nil
}

package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"grid110/internal/grid110"
	"grid110/internal/postgres"
	"grid110/internal/signin"
)

// StaffAccount is one demo account.
type StaffAccount struct {
	Username string
	Role     grid110.StaffRole
	Grid     string // grid code
	Team     string // team code, for a team member
	Dept     string // department code, for a department handler
	About    string
}

// StaffAccounts returns the demo accounts, one per kind of user, all in or
// over 芗城区 (350602) so they meet on the same cases: the administrator,
// the city and district command centres, a township command centre, the
// "2" team of the first community of that township, a patrol team member
// and an urban-management handler.
func StaffAccounts(ctx context.Context, store *postgres.Store) ([]StaffAccount, error) {
	var township, community, patrol string
	const q = `
		SELECT tw.code, c.code,
			(SELECT t.code FROM teams t JOIN grids g ON g.id = t.grid_id
			 WHERE t.kind = 'patrol' AND g.path @> ARRAY[d.id] ORDER BY t.code LIMIT 1)
		FROM grids d JOIN grids tw ON tw.parent_id = d.id JOIN grids c ON c.parent_id = tw.id
		WHERE d.code = '350602' AND c.level = 'community'
		ORDER BY tw.code, c.code LIMIT 1`
	var patrolCode *string
	if err := store.Pool().QueryRow(ctx, q).Scan(&township, &community, &patrolCode); err != nil {
		return nil, fmt.Errorf("demo accounts: find 芗城区's first community: %w", err)
	}
	accts := []StaffAccount{
		{"admin", grid110.StaffAdmin, "350600", "", "", "administrator"},
		{"city", grid110.StaffCommandCity, "350600", "", "", "city command centre (市综治中心)"},
		{"xiangcheng", grid110.StaffCommandDistrict, "350602", "", "", "芗城区 command centre"},
		{"town-" + township, grid110.StaffCommandTownship, township, "", "", "township command centre"},
		{"gw-" + community, grid110.StaffGridWorker, community, "", "", "grid worker (网格员) of the community"},
		{"police-" + community, grid110.StaffPolice, community, "", "", "police officer (民警) of the community"},
		{"urban", grid110.StaffDepartment, "350602", "", "urban_mgmt", "urban management handler (城市管理执法)"},
	}
	if patrolCode != nil {
		patrol = *patrolCode
		accts = append(accts, StaffAccount{"patrol", grid110.StaffTeamMember, "350602", patrol, "", "patrol team member (" + patrol + ")"})
	}
	return accts, nil
}

// EnsureStaff creates the demo accounts that do not exist yet, all with
// password, so a demo loaded before accounts existed gains them too.
func EnsureStaff(ctx context.Context, store *postgres.Store, password string, log *slog.Logger) error {
	accts, err := StaffAccounts(ctx, store)
	if err != nil {
		return err
	}
	svc := signin.New(store, 0)
	made := 0
	for _, a := range accts {
		_, err := svc.AddAccount(ctx, signin.NewAccount{Username: a.Username, DisplayName: a.About, Role: a.Role,
			GridCode: a.Grid, TeamCode: a.Team, Department: a.Dept, Password: password})
		if errors.Is(err, grid110.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.Username, err)
		}
		made++
	}
	if log != nil && made > 0 {
		log.Info("demo accounts created", "count", made, "usernames", usernames(accts))
	}
	return nil
}

func usernames(as []StaffAccount) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Username
	}
	return out
}

package grid110

import "slices"

// StaffRole is what a staff account or API client does. The role decides which
// workflow moves an account may make; its Jurisdiction decides on which cases.
type StaffRole string

// Staff roles.
const (
	StaffGridWorker      StaffRole = "grid_worker"      // 网格员: files and verifies the cases of a community
	StaffPolice          StaffRole = "police"           // 民警/辅警: the other half of the "2" team
	StaffTeamMember      StaffRole = "team_member"      // a member of an N-team: works the cases dispatched to the team
	StaffCommandTownship StaffRole = "command_township" // township/street command centre (乡镇/街道综治中心)
	StaffCommandDistrict StaffRole = "command_district" // district/county command centre
	StaffCommandCity     StaffRole = "command_city"     // city command centre
	StaffDepartment      StaffRole = "department"       // a department's case handler (职能部门)
	StaffAdmin           StaffRole = "admin"            // administrator: accounts and everything else
	StaffAPIClient       StaffRole = "api_client"       // a system submitting and reading reports with an API key
)

// StaffRoles lists every staff role.
var StaffRoles = []StaffRole{StaffGridWorker, StaffPolice, StaffTeamMember, StaffCommandTownship, StaffCommandDistrict,
	StaffCommandCity, StaffDepartment, StaffAdmin, StaffAPIClient}

// ParseStaffRole returns the role named s.
func ParseStaffRole(s string) (StaffRole, error) {
	if slices.Contains(StaffRoles, StaffRole(s)) {
		return StaffRole(s), nil
	}
	return "", Invalid("role", "unknown role %q (one of %v)", s, StaffRoles)
}

// Command reports whether r is a command centre (or the administrator),
// who dispatch, grant extensions and close.
func (r StaffRole) Command() bool {
	switch r {
	case StaffCommandTownship, StaffCommandDistrict, StaffCommandCity, StaffAdmin:
		return true
	}
	return false
}

// Jurisdiction is what an account may see and act on: the cases located in
// the subtree of GridID, plus those assigned to TeamID or Department. All
// is the whole city (the city command centre and the administrator).
// The zero value sees nothing.
type Jurisdiction struct {
	All        bool
	GridID     int64
	TeamID     int64
	Department string
}

// Principal is who is asking: a signed-in staff account or an API client.
// The zero value (ID 0) is an anonymous caller.
type Principal struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        StaffRole `json:"role"`
	GridID      int64     `json:"grid_id"`
	TeamID      int64     `json:"team_id,omitempty"`
	Department  string    `json:"department,omitempty"`
}

// Anonymous reports whether p is nobody in particular.
func (p Principal) Anonymous() bool { return p.ID == 0 }

// Actor is how the audit trail names p.
func (p Principal) Actor() string {
	if p.Anonymous() {
		return "anonymous"
	}
	return string(p.Role) + ":" + p.Username
}

// Jurisdiction is the cases p may see.
func (p Principal) Jurisdiction() Jurisdiction {
	if p.Anonymous() {
		return Jurisdiction{}
	}
	if p.Role == StaffAdmin || p.Role == StaffCommandCity {
		return Jurisdiction{All: true}
	}
	return Jurisdiction{GridID: p.GridID, TeamID: p.TeamID, Department: p.Department}
}

// roleMoves is which moves each role makes. The "2" team files, rejects
// and verifies in its community; assignees (N-team members, department
// handlers) work what was dispatched to them; command centres dispatch,
// grant extensions, close, and may file, reject, verify and reopen too.
// API clients submit and read; they make no moves.
var roleMoves = map[StaffRole][]Move{
	StaffGridWorker:      {MoveFile, MoveReject, MoveVerify},
	StaffPolice:          {MoveFile, MoveReject, MoveVerify},
	StaffTeamMember:      {MoveStart, MoveResolve, MoveReturn, MoveRequestExtension},
	StaffDepartment:      {MoveStart, MoveResolve, MoveReturn, MoveRequestExtension},
	StaffCommandTownship: commandMoves,
	StaffCommandDistrict: commandMoves,
	StaffCommandCity:     commandMoves,
	StaffAdmin:           Moves,
}

var commandMoves = []Move{MoveFile, MoveDispatch, MoveVerify, MoveClose, MoveGrantExtension, MoveReject, MoveReopen}

// MayMove reports whether p may make move m on case c, which p can
// already see (jurisdiction is decided where cases are read). Assignees
// act only on cases assigned to their own team or department; the
// administrator may make any move. Whether the case's status allows m
// is a separate question (CanMove).
func (p Principal) MayMove(c Case, m Move) bool {
	if p.Anonymous() || !slices.Contains(roleMoves[p.Role], m) {
		return false
	}
	switch p.Role {
	case StaffTeamMember:
		return c.TeamID != 0 && c.TeamID == p.TeamID
	case StaffDepartment:
		return c.Department != "" && c.Department == p.Department
	}
	return true
}

// Permissions lists the moves p's role makes at all.
func (p Principal) Permissions() []Move {
	if p.Anonymous() {
		return []Move{}
	}
	return slices.Clone(append([]Move{}, roleMoves[p.Role]...))
}

// AllowedMoves is what p may do with c now: the moves its status allows
// that p's role may make.
func (p Principal) AllowedMoves(c Case) []Move {
	out := []Move{}
	for _, m := range MovesFrom(c.Status) {
		if p.MayMove(c, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// SeesContact reports whether p sees reporters' names and phone numbers
// in full: those who call reporters back (the "2" team and command
// centres). Everyone else sees them masked.
func (p Principal) SeesContact() bool {
	switch p.Role {
	case StaffGridWorker, StaffPolice, StaffCommandTownship, StaffCommandDistrict, StaffCommandCity, StaffAdmin:
		return true
	}
	return false
}

// MaskName keeps a name's first character: 王小明 → 王**.
func MaskName(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	out := string(r[0])
	for range r[1:] {
		out += "*"
	}
	if len(r) == 1 {
		out += "*"
	}
	return out
}

// MaskPhone keeps the first three and last four digits: 13812345678 → 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) <= 7 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

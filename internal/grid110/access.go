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

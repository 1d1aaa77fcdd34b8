package grid110

import "github.com/paulmach/orb"

// TeamKind names what a team does. KindDuty is the "2" team of a
// community/village; every other kind is an "N" team.
type TeamKind string

// Known team kinds; the database may hold more (table team_kinds).
const (
	KindDuty            TeamKind = "duty"
	KindPatrol          TeamKind = "patrol"
	KindLegalAid        TeamKind = "legal_aid"
	KindVolunteer       TeamKind = "volunteer"
	KindAntiCounterfeit TeamKind = "anti_counterfeit"
	KindEmergency       TeamKind = "emergency"
	KindMediation       TeamKind = "mediation"
	KindMedical         TeamKind = "medical"
)

// Role is what a team member does.
type Role string

// Member roles.
const (
	RoleGridWorker      Role = "grid_worker"
	RolePoliceOfficer   Role = "police_officer"
	RoleAuxiliaryPolice Role = "auxiliary_police"
	RoleVolunteer       Role = "volunteer"
	RoleLawyer          Role = "lawyer"
	RoleMediator        Role = "mediator"
	RoleInspector       Role = "inspector"
	RoleMedic           Role = "medic"
	RoleRescuer         Role = "rescuer"
	RoleLeader          Role = "leader"
	RoleMember          Role = "member"
)

// Roles lists every member role.
var Roles = []Role{RoleGridWorker, RolePoliceOfficer, RoleAuxiliaryPolice, RoleVolunteer, RoleLawyer,
	RoleMediator, RoleInspector, RoleMedic, RoleRescuer, RoleLeader, RoleMember}

// Member is one person in a team. Phone is private.
type Member struct {
	ID    int64
	Role  Role
	Name  string
	Phone string
}

// Team is a "2" duty team or an N-team. Base is WGS-84; ServiceArea, when
// not empty, limits where an N-team is sent.
type Team struct {
	ID          int64
	Code        string
	Kind        TeamKind
	Name        string
	GridID      int64 // the duty team's community; an N-team's home grid (0 if none)
	Base        orb.Point
	HasBase     bool
	ServiceArea orb.MultiPolygon
	OnDuty      bool
	Phone       string
	Members     []Member
}

// TeamKindInfo describes a team kind for display.
type TeamKindInfo struct {
	Code   TeamKind `json:"code"`
	NameZh string   `json:"name_zh"`
	NameEn string   `json:"name_en"`
}

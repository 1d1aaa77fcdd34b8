package grid110

import (
	"time"

	"github.com/paulmach/orb"
)

// Category is what a resident can report: who handles it and how fast.
type Category struct {
	Code             string        `json:"code"`
	NameZh           string        `json:"name_zh"`
	NameEn           string        `json:"name_en"`
	DescriptionZh    string        `json:"description_zh"`
	DescriptionEn    string        `json:"description_en"`
	Icon             string        `json:"icon"`
	TeamKind         TeamKind      `json:"team_kind"`
	Department       string        `json:"department"`
	TimeAllowed      time.Duration `json:"-"`
	Priority         int           `json:"priority"`
	DuplicateRadiusM float64       `json:"duplicate_radius_m"`
	DuplicateWindow  time.Duration `json:"-"`
}

// Status is where a report is in the case workflow.
type Status string

// Workflow states. A new report is StatusSubmitted.
const (
	StatusSubmitted  Status = "submitted"
	StatusFiled      Status = "filed"
	StatusDispatched Status = "dispatched"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusVerified   Status = "verified"
	StatusClosed     Status = "closed"
	StatusReturned   Status = "returned"
	StatusRejected   Status = "rejected"
	StatusReopened   Status = "reopened"
)

// Statuses lists every state.
var Statuses = []Status{StatusSubmitted, StatusFiled, StatusDispatched, StatusInProgress, StatusResolved,
	StatusVerified, StatusClosed, StatusReturned, StatusRejected, StatusReopened}

// ParseStatus returns the status named s.
func ParseStatus(s string) (Status, error) {
	for _, x := range Statuses {
		if string(x) == s {
			return x, nil
		}
	}
	return "", Invalid("status", "unknown status %q", s)
}

// Open reports whether a case in this state still needs work.
func (s Status) Open() bool { return s != StatusClosed && s != StatusRejected }

// ZhName is the status as supervisors name it in Chinese.
func (s Status) ZhName() string {
	switch s {
	case StatusSubmitted:
		return "待受理"
	case StatusFiled:
		return "已受理"
	case StatusDispatched:
		return "已派遣"
	case StatusInProgress:
		return "处置中"
	case StatusResolved:
		return "已处置"
	case StatusVerified:
		return "已核查"
	case StatusClosed:
		return "已结案"
	case StatusReturned:
		return "已回退"
	case StatusRejected:
		return "不予受理"
	case StatusReopened:
		return "重新办理"
	}
	return string(s)
}

// Channel is how a report reached us.
type Channel string

// Intake channels.
const (
	ChannelQR       Channel = "qr"
	ChannelMiniApp  Channel = "miniapp"
	ChannelAPI      Channel = "api"
	ChannelOpen311  Channel = "open311"
	ChannelTerminal Channel = "terminal"
	ChannelPhone    Channel = "phone"
	ChannelWeb      Channel = "web"
)

// Channels lists every intake channel.
var Channels = []Channel{ChannelQR, ChannelMiniApp, ChannelAPI, ChannelOpen311, ChannelTerminal, ChannelPhone, ChannelWeb}

// Report is one case as stored. Location is WGS-84.
type Report struct {
	ID             int64
	TrackingCode   string
	IdempotencyKey string
	Category       string
	Description    string
	Channel        Channel
	Location       orb.Point
	InputCRS       string
	InputLon       float64
	InputLat       float64
	AccuracyM      float64
	GridID         int64
	DutyTeamID     int64
	TeamID         int64
	Department     string
	Status         Status
	Priority       int
	H3Cell         uint64
	ReporterName   string
	ReporterPhone  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DueAt          time.Time
	// Supervision (督办): the current stage's deadline (zero once closed or
	// rejected), the escalations so far and the grid supervising the case
	// after them (0 while its own community does).
	StageDueAt        time.Time
	Escalations       int
	SupervisingGridID int64
}

// Event is one entry of a report's append-only audit trail.
type Event struct {
	ID    int64          `json:"id"`
	At    time.Time      `json:"at"`
	Actor string         `json:"actor"`
	Kind  string         `json:"kind"`
	From  Status         `json:"from,omitempty"`
	To    Status         `json:"to,omitempty"`
	Note  string         `json:"note,omitempty"`
	Data  map[string]any `json:"data,omitempty"`
}

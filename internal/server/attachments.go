package server

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"grid110/internal/grid110"
	"grid110/internal/media"
	"grid110/internal/postgres"
)

// attachmentRef is an attachment as the API lists it; url serves its bytes
// to staff who may see the report.
type attachmentRef struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	EventID     int64     `json:"event_id,omitempty"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

func attachmentRefs(as []postgres.Attachment) []attachmentRef {
	out := make([]attachmentRef, len(as))
	for i, a := range as {
		out[i] = attachmentRef{ID: a.ID, Kind: a.Kind, ContentType: a.ContentType, SizeBytes: a.SizeBytes,
			URL: "/api/v1/attachments/" + strconv.FormatInt(a.ID, 10), CreatedAt: a.CreatedAt}
		if a.EventID != nil {
			out[i].EventID = *a.EventID
		}
	}
	return out
}

// duplicateRef is a likely duplicate of a report. Tracking codes are not
// shown: they let their holder rate the case.
type duplicateRef struct {
	ID        int64          `json:"id"`
	Category  string         `json:"category"`
	Status    grid110.Status `json:"status"`
	CreatedAt time.Time      `json:"created_at"`
	DistanceM float64        `json:"distance_m"`
}

func duplicateRefs(ds []postgres.Duplicate) []duplicateRef {
	out := make([]duplicateRef, len(ds))
	for i, d := range ds {
		out[i] = duplicateRef(d)
	}
	return out
}

// maxUpload bounds a whole multipart report: six photos, a voice note and
// the form.
const maxUpload = media.MaxPhotos*media.MaxPhotoBytes + media.MaxVoices*media.MaxVoiceBytes + 1<<20

// readMultipartFiles reads a multipart/form-data body: file parts "photo"
// and "voice", and, when into is not nil, the required part "report"
// holding the report's JSON. Files are checked and stored on disk as they
// stream in; the caller records them in its own transaction.
func (s *Server) readMultipartFiles(c echo.Context, into any) ([]postgres.Attachment, error) {
	if s.media == nil {
		return nil, grid110.Invalid("Content-Type", "this server takes no attachments (no media directory configured); send application/json")
	}
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, grid110.Invalid("body", "not a multipart form: %v", err)
	}
	var atts []postgres.Attachment
	count := map[string]int{}
	sawReport := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, grid110.Invalid("body", "larger than %d MB in all", maxUpload>>20)
			}
			return nil, grid110.Invalid("body", "broken multipart form: %v", err)
		}
		switch name := part.FormName(); name {
		case "report":
			if into == nil {
				return nil, grid110.Invalid(name, "unknown form field; want photo or voice")
			}
			if sawReport {
				return nil, grid110.Invalid("report", "sent twice")
			}
			sawReport = true
			if err := decodeJSONPart(part, into); err != nil {
				return nil, err
			}
		case media.KindPhoto, media.KindVoice:
			count[name]++
			limit := media.MaxPhotos
			if name == media.KindVoice {
				limit = media.MaxVoices
			}
			if count[name] > limit {
				return nil, grid110.Invalid(name, "at most %d %s file(s) per report", limit, name)
			}
			f, err := s.media.Put(name, name, fileLabel(part, count[name]), part)
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return nil, grid110.Invalid("body", "larger than %d MB in all", maxUpload>>20)
				}
				return nil, err
			}
			atts = append(atts, postgres.Attachment{Kind: f.Kind, ContentType: f.ContentType, SizeBytes: f.Size,
				SHA256: f.SHA256, Path: f.Path})
		default:
			return nil, grid110.Invalid(name, "unknown form field; want report, photo or voice")
		}
	}
	if into != nil && !sawReport {
		return nil, grid110.Invalid("report", "required: a form field holding the report as JSON")
	}
	return atts, nil
}

func fileLabel(p *multipart.Part, n int) string {
	if p.FileName() != "" {
		return fmt.Sprintf("%q", p.FileName())
	}
	return fmt.Sprintf("%s %d", p.FormName(), n)
}

// postAttachments handles POST /api/v1/reports/:id/attachments: staff add
// photos or a voice note to a case in their jurisdiction (multipart parts
// photo and voice), such as the result photos a resolve move then claims by
// their ids.
func (s *Server) postAttachments(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.store.ReportIn(ctx, id, principalOf(c).Jurisdiction()); err != nil {
		return err
	}
	if ct := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEMultipartForm) {
		return grid110.Invalid("Content-Type", "%q: send multipart/form-data with photo and voice parts", ct)
	}
	files, err := s.readMultipartFiles(c, nil)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return grid110.Invalid("photo", "no files: send photo or voice parts")
	}
	stored, err := s.store.AddAttachments(ctx, id, files)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, attachmentRefs(stored))
}

// getAttachment handles GET /api/v1/attachments/:id: the bytes, for staff
// who may see the report.
func (s *Server) getAttachment(c echo.Context) error {
	id, err := parseID(c.Param("id"), "id")
	if err != nil {
		return err
	}
	a, err := s.store.AttachmentIn(c.Request().Context(), id, principalOf(c).Jurisdiction())
	if err != nil {
		return err
	}
	if s.media == nil {
		return fmt.Errorf("attachment %d: no media directory configured: %w", id, grid110.ErrNotFound)
	}
	f, err := s.media.Open(a.Path)
	if err != nil {
		return fmt.Errorf("attachment %d: %w", id, err)
	}
	defer f.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, a.ContentType)
	h.Set(echo.HeaderCacheControl, "private, max-age=86400, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(echo.HeaderContentDisposition, "inline")
	http.ServeContent(c.Response(), c.Request(), "", a.CreatedAt, f)
	return nil
}

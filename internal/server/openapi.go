package server

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPISpec is the OpenAPI 3.1 description of the API, kept beside the
// handlers it describes; a test checks that every route is in it.
//
//go:embed openapi.json
var openAPISpec []byte

// openAPI handles GET /api/v1/openapi.json.
func (s *Server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPISpec)
}

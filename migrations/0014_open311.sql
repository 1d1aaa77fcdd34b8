-- +goose Up
-- Open311 GeoReport v2 (internal/server/open311.go). Its clients send a
-- link to media kept on their own servers (media_url) rather than the
-- file; uploaded files go to attachments. Only absolute http(s) links of
-- a sane length, so a stored value is always safe to show as a link.
ALTER TABLE reports ADD COLUMN media_url text
    CHECK (media_url ~ '^https?://[^[:space:]]+$' AND length(media_url) <= 2048);

-- +goose Down
ALTER TABLE reports DROP COLUMN media_url;

package extract

import (
	"context"
	"fmt"
	"image"
	_ "image/gif" // register decoders for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// extractImage writes what a photo reveals: EXIF metadata first (GPS coordinates as a
// geo_location detection, author and comment fields as Text with the field name as Column;
// PNG text chunks likewise), then one face_image detection per face pigo finds. The image
// size is read from its header before anything is decoded: an image of more than
// MaxImagePixels pixels ends with ErrLimit, its metadata already written.
func extractImage(ctx context.Context, f *file, g *guard, lim Limits) error {
	if err := imageMetadata(f, g); err != nil {
		return err
	}
	cfg, format, err := image.DecodeConfig(f.reader())
	if err != nil {
		return fmt.Errorf("malformed image: %w", err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(lim.MaxImagePixels) || cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("%w: image is %d×%d pixels, more than the %s limit",
			model.ErrLimit, cfg.Width, cfg.Height, megapixels(lim.MaxImagePixels))
	}
	img, _, err := image.Decode(f.reader())
	if err != nil {
		return fmt.Errorf("malformed %s image: %w", format, err)
	}
	if err := g.tick(); err != nil {
		return err
	}
	for _, face := range DetectFaces(img) {
		d := model.Detection{
			Type:       "face_image",
			Confidence: face.Confidence,
			Preview:    fmt.Sprintf("face %d px at x=%d y=%d", face.Size, face.X, face.Y),
		}
		if err := g.Found(d); err != nil {
			return err
		}
	}
	return nil
}

// megapixels renders a pixel limit, e.g. "50 Mpx".
func megapixels(n int) string {
	if n >= 1_000_000 && n%1_000_000 == 0 {
		return fmt.Sprintf("%d Mpx", n/1_000_000)
	}
	return fmt.Sprintf("%d px", n)
}

// geoDetection is the detection written for EXIF GPS coordinates; the preview keeps one
// decimal (about 11 km), enough to tell a place without pinpointing it.
func geoDetection(lat, long float64) model.Detection {
	ns, ew := "N", "E"
	if lat < 0 {
		ns = "S"
	}
	if long < 0 {
		ew = "W"
	}
	return model.Detection{
		Type:       "geo_location",
		Loc:        model.Location{Column: "EXIF GPS"},
		Confidence: 0.99,
		Preview:    fmt.Sprintf("%.1f°%s, %.1f°%s", math.Abs(lat), ns, math.Abs(long), ew),
	}
}

// sectionBytes reads n bytes at off, or fewer at the end of the file.
func sectionBytes(r io.ReaderAt, off, n int64) []byte {
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	k, _ := r.ReadAt(b, off)
	return b[:k]
}

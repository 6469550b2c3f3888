package extract

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// maxRecords bounds the detections written for one biometric file.
const maxRecords = 1000

// biometricFormat describes one ISO/IEC 19794 record format.
type biometricFormat struct {
	magic, typ, name string
}

var biometricFormats = []biometricFormat{
	{"FMR\x00", "fingerprint_template", "ISO/IEC 19794-2 finger minutiae record"},
	{"FIR\x00", "fingerprint_template", "ISO/IEC 19794-4 finger image record"},
	// A 19794-5 record holds facial images (JPEG or JPEG 2000 with landmarks), not a feature
	// vector, so it counts as face_image rather than face_embedding.
	{"FAC\x00", "face_image", "ISO/IEC 19794-5 face image record"},
}

// extractBiometric reports biometric records: one detection per finger view, finger image or
// face image the record header counts (at least one, at most 1,000), confidence 0.95. A WSQ
// fingerprint image is one fingerprint_template.
func extractBiometric(ctx context.Context, f *file, g *guard, lim Limits) error {
	head := sectionBytes(f.r, 0, min(f.size, 64))
	if isWSQ(head) {
		return g.Found(model.Detection{Type: "fingerprint_template", Confidence: 0.95, Preview: "WSQ fingerprint image"})
	}
	for _, bf := range biometricFormats {
		if !bytes.HasPrefix(head, []byte(bf.magic)) {
			continue
		}
		n := min(max(recordCount(head, f.size), 1), maxRecords)
		for i := 1; i <= n; i++ {
			d := model.Detection{Type: bf.typ, Confidence: 0.95, Preview: fmt.Sprintf("%s, %d of %d", bf.name, i, n)}
			if err := g.Found(d); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%w: not a biometric record", model.ErrUnsupported)
}

// recordCount reads how many views or images a 19794 record holds, or 0 when the header
// does not tell. Versions of 2011 ("030", "020") keep a 4-byte length and a 2-byte count at
// offset 12; the 2005 versions differ by part, and ANSI/INCITS 378 shares the FMR magic.
func recordCount(h []byte, size int64) int {
	if len(h) < 32 {
		return 0
	}
	magic, version := string(h[:4]), string(h[4:8])
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(h[off:])) }
	switch {
	case version == "030\x00" || version == "020\x00":
		return u16(12)
	case magic == "FAC\x00": // 19794-5:2005: length (4), number of facial images (2)
		return u16(12)
	case magic == "FIR\x00": // 19794-4:2005: length (6), device (2), level (2), count (1)
		return int(h[18])
	case int64(binary.BigEndian.Uint32(h[8:])) == size: // 19794-2:2005: views at 22
		return int(h[22])
	case int64(u16(8)) == size: // ANSI 378 with a 2-byte length: views at 24
		return int(h[24])
	case u16(8) == 0: // ANSI 378 with a 6-byte length: views at 28
		return int(h[28])
	}
	return 0
}

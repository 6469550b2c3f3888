package extract

import (
	_ "embed" // the pigo face cascade
	"image"
	"sort"
	"sync"

	pigo "github.com/esimov/pigo/core"
)

// facefinder is pigo's trained frontal-face cascade (MIT licence, see cascade/LICENSE).
//
//go:embed cascade/facefinder
var facefinder []byte

var (
	cascadeOnce sync.Once
	classifier  *pigo.Pigo
	cascadeErr  error
)

// faceClassifier unpacks the cascade once; the unpacked classifier is read-only and shared.
func faceClassifier() (*pigo.Pigo, error) {
	cascadeOnce.Do(func() {
		classifier, cascadeErr = pigo.NewPigo().Unpack(facefinder)
	})
	return classifier, cascadeErr
}

// Face detection parameters, tuned on pigo's sample portrait and on face-free images.
const (
	faceMaxSide     = 640  // the luma plane is box-downscaled so its longest side is at most this
	faceMinDivisor  = 10   // smallest face: a tenth of the short side…
	faceMinPixels   = 20   // …but never below 20 px of the plane
	faceShiftFactor = 0.1  // window step, as a share of the window
	faceScaleFactor = 1.1  // window growth from one scale to the next
	faceIoU         = 0.2  // overlap above which two windows are one face
	faceMinQ        = 5.0  // cluster score below which a window is not a face
	faceQHalf       = 10.0 // the score that maps to confidence 0.5 (see faceConfidence)
)

// Face is a face found in an image: the centre and side of its square, in the image's pixels.
type Face struct {
	X, Y, Size int
	Q          float32 // pigo's cluster score
	Confidence float64 // 0–1, from Q
}

// DetectFaces finds frontal faces in img with pigo on a grayscale plane downscaled to at most
// 640 pixels on its longest side. It returns nil when the classifier cannot be loaded.
func DetectFaces(img image.Image) []Face {
	p, err := faceClassifier()
	if err != nil {
		return nil
	}
	plane, w, h, k := lumaPlane(img, faceMaxSide)
	short := min(w, h)
	minSize := max(short/faceMinDivisor, faceMinPixels)
	if short < minSize {
		return nil
	}
	params := pigo.CascadeParams{
		MinSize:     minSize,
		MaxSize:     short,
		ShiftFactor: faceShiftFactor,
		ScaleFactor: faceScaleFactor,
		ImageParams: pigo.ImageParams{Pixels: plane, Rows: h, Cols: w, Dim: w},
	}
	dets := suppressNested(p.ClusterDetections(p.RunCascade(params, 0), faceIoU))
	var faces []Face
	b := img.Bounds()
	for _, d := range dets {
		faces = append(faces, Face{
			X: b.Min.X + d.Col*k, Y: b.Min.Y + d.Row*k, Size: d.Scale * k,
			Q: d.Q, Confidence: faceConfidence(d.Q),
		})
	}
	return faces
}

// suppressNested keeps the clusters scoring at least faceMinQ, best first, and drops a
// cluster that covers more than half of a better one or is more than half covered by it:
// pigo's IoU clustering can leave a face and a part of it as two clusters.
func suppressNested(dets []pigo.Detection) []pigo.Detection {
	sort.Slice(dets, func(i, j int) bool { return dets[i].Q > dets[j].Q })
	var kept []pigo.Detection
	for _, d := range dets {
		if d.Q < faceMinQ {
			break
		}
		ok := true
		for _, k := range kept {
			if overlap(d, k) > 0.5 {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, d)
		}
	}
	return kept
}

// overlap is the area two square windows share, over the area of the smaller one.
func overlap(a, b pigo.Detection) float64 {
	ix := min(a.Col+a.Scale/2, b.Col+b.Scale/2) - max(a.Col-a.Scale/2, b.Col-b.Scale/2)
	iy := min(a.Row+a.Scale/2, b.Row+b.Scale/2) - max(a.Row-a.Scale/2, b.Row-b.Scale/2)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	s := min(a.Scale, b.Scale)
	return float64(ix*iy) / float64(max(s*s, 1))
}

// faceConfidence maps a pigo score to 0–1: q/(q+faceQHalf), so the threshold score 5 gives
// 0.33, 10 gives 0.5, 30 gives 0.75 and 90 gives 0.9.
func faceConfidence(q float32) float64 {
	c := float64(q) / (float64(q) + faceQHalf)
	return float64(int(c*100+0.5)) / 100
}

// lumaPlane returns the luma (BT.601) of img box-downscaled by the integer factor k that
// brings its longest side to at most maxSide, as a row-major plane of w×h bytes.
func lumaPlane(img image.Image, maxSide int) (plane []uint8, w, h, k int) {
	b := img.Bounds()
	k = max(1, (max(b.Dx(), b.Dy())+maxSide-1)/maxSide)
	w, h = max(1, b.Dx()/k), max(1, b.Dy()/k)
	lum := lumaFunc(img)
	plane = make([]uint8, w*h)
	area := uint32(k * k)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum uint32
			sx, sy := b.Min.X+x*k, b.Min.Y+y*k
			for j := 0; j < k; j++ {
				for i := 0; i < k; i++ {
					sum += lum(sx+i, sy+j)
				}
			}
			plane[y*w+x] = uint8(sum / area)
		}
	}
	return plane, w, h, k
}

// lumaFunc returns a function giving the 8-bit luma at (x, y), with fast paths for the
// image types the standard decoders return.
func lumaFunc(img image.Image) func(x, y int) uint32 {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) uint32 { return uint32(m.Y[m.YOffset(x, y)]) }
	case *image.Gray:
		return func(x, y int) uint32 { return uint32(m.Pix[m.PixOffset(x, y)]) }
	case *image.RGBA:
		return func(x, y int) uint32 {
			p := m.Pix[m.PixOffset(x, y):]
			return luma8(uint32(p[0]), uint32(p[1]), uint32(p[2]))
		}
	case *image.NRGBA:
		return func(x, y int) uint32 {
			p := m.Pix[m.PixOffset(x, y):]
			return luma8(uint32(p[0]), uint32(p[1]), uint32(p[2]))
		}
	}
	return func(x, y int) uint32 {
		r, g, b, _ := img.At(x, y).RGBA()
		return luma8(r>>8, g>>8, b>>8)
	}
}

// luma8 is the BT.601 luma of 8-bit R, G, B.
func luma8(r, g, b uint32) uint32 { return (19595*r + 38470*g + 7471*b + 1<<15) >> 16 }

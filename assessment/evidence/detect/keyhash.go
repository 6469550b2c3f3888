package detect

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"hash"
)

// keyHash computes the HMAC-SHA256 (RFC 2104) of detection values. crypto/hmac re-derives
// its pad states on every Reset and costs about twice as much per Key as two SHA-256
// compressions, which is what HMAC needs: so the states after the inner and outer key blocks
// are marshalled once per Detector and restored for each Key. New checks the result against
// crypto/hmac and falls back to it if the sha256 implementation cannot restore states.
type keyHash struct {
	key          []byte
	inner, outer []byte // marshalled SHA-256 states after key⊕ipad and key⊕opad
	fallback     bool   // use crypto/hmac
}

func newKeyHash(key []byte) *keyHash {
	k := &keyHash{key: key}
	pad := bytes.Repeat([]byte{0}, sha256.BlockSize)
	if len(key) > sha256.BlockSize {
		s := sha256.Sum256(key)
		copy(pad, s[:])
	} else {
		copy(pad, key)
	}
	state := func(x byte) []byte {
		b := make([]byte, len(pad))
		for i := range pad {
			b[i] = pad[i] ^ x
		}
		h := sha256.New()
		h.Write(b)
		m, ok := h.(encoding.BinaryMarshaler)
		if !ok {
			return nil
		}
		s, err := m.MarshalBinary()
		if err != nil {
			return nil
		}
		return s
	}
	k.inner, k.outer = state(0x36), state(0x5c)
	msg := []byte("kz_iin:900101300017")
	want := hmac.New(sha256.New, key)
	want.Write(msg)
	k.fallback = k.inner == nil || k.outer == nil ||
		!bytes.Equal(k.sum(newKeyScratch(k), msg), want.Sum(nil))
	return k
}

// keyScratch is the per-goroutine part: a SHA-256 (or HMAC) hash and a buffer.
type keyScratch struct {
	h   hash.Hash
	buf []byte
}

func newKeyScratch(k *keyHash) *keyScratch {
	if k.fallback {
		return &keyScratch{h: hmac.New(sha256.New, k.key)}
	}
	return &keyScratch{h: sha256.New()}
}

// sum returns HMAC-SHA256(key, msg) in s.buf (valid until the next call).
func (k *keyHash) sum(s *keyScratch, msg []byte) []byte {
	if k.fallback {
		s.h.Reset()
		s.h.Write(msg)
		s.buf = s.h.Sum(s.buf[:0])
		return s.buf
	}
	u := s.h.(encoding.BinaryUnmarshaler)
	if u.UnmarshalBinary(k.inner) != nil {
		return nil
	}
	s.h.Write(msg)
	s.buf = s.h.Sum(s.buf[:0])
	if u.UnmarshalBinary(k.outer) != nil {
		return nil
	}
	s.h.Write(s.buf)
	s.buf = s.h.Sum(s.buf[:0])
	return s.buf
}

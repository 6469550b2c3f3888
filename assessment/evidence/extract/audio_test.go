package extract

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// makeWAV renders secs seconds of a 440 Hz tone as 16-bit PCM.
func makeWAV(rate, channels int, secs float64) []byte {
	n := int(float64(rate) * secs)
	var pcm []byte
	for i := range n {
		v := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
		for range channels {
			pcm = binary.LittleEndian.AppendUint16(pcm, uint16(v))
		}
	}
	le32 := binary.LittleEndian.AppendUint32
	le16 := binary.LittleEndian.AppendUint16
	b := append([]byte("RIFF"), le32(nil, uint32(36+len(pcm)))...)
	b = append(b, "WAVEfmt "...)
	b = le32(b, 16)
	b = le16(b, 1)
	b = le16(b, uint16(channels))
	b = le32(b, uint32(rate))
	b = le32(b, uint32(rate*channels*2))
	b = le16(b, uint16(channels*2))
	b = le16(b, 16)
	b = append(b, "LIST"...)
	b = le32(b, 4)
	b = append(b, "INFO"...)
	b = append(b, "data"...)
	b = le32(b, uint32(len(pcm)))
	return append(b, pcm...)
}

// makeMP3 is an ID3v2 tag followed by one MPEG-1 layer III frame header (128 kbps,
// 44.1 kHz, joint stereo) and zeros: secs seconds at that bit rate.
func makeMP3(secs float64) []byte {
	b := []byte("ID3\x04\x00\x00\x00\x00\x00\x0a")
	b = append(b, make([]byte, 10)...) // 10 bytes of tag body
	body := make([]byte, int(secs*128000/8))
	copy(body, []byte{0xFF, 0xFB, 0x90, 0x64})
	return append(b, body...)
}

// makeFLAC is a FLAC signature and STREAMINFO block.
func makeFLAC(rate, channels int, samples uint64) []byte {
	b := []byte("fLaC\x80\x00\x00\x22")
	b = binary.BigEndian.AppendUint16(b, 4096)
	b = binary.BigEndian.AppendUint16(b, 4096)
	b = append(b, 0, 0, 0, 0, 0, 0)
	v := uint64(rate)<<44 | uint64(channels-1)<<41 | uint64(15)<<36 | samples
	b = binary.BigEndian.AppendUint64(b, v)
	return append(b, make([]byte, 16)...)
}

// oggPage renders an Ogg page holding one packet (the CRC is not checked by the sniffer).
func oggPage(granule uint64, packet []byte) []byte {
	b := []byte("OggS\x00\x02")
	b = binary.LittleEndian.AppendUint64(b, granule)
	b = append(b, make([]byte, 12)...)
	b = append(b, 1, byte(len(packet)))
	return append(b, packet...)
}

func makeOpus(channels int, secs float64) []byte {
	head := []byte("OpusHead\x01")
	head = append(head, byte(channels))
	head = binary.LittleEndian.AppendUint16(head, 312)
	head = binary.LittleEndian.AppendUint32(head, 16000)
	head = append(head, 0, 0, 0)
	return append(oggPage(0, head), oggPage(312+uint64(secs*48000), []byte{0xF8})...)
}

func makeVorbis(rate, channels int, secs float64) []byte {
	id := []byte("\x01vorbis\x00\x00\x00\x00")
	id = append(id, byte(channels))
	id = binary.LittleEndian.AppendUint32(id, uint32(rate))
	id = append(id, make([]byte, 14)...)
	return append(oggPage(0, id), oggPage(uint64(secs*float64(rate)), []byte{0})...)
}

func TestExtractAudio(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
		want string
	}{
		{"wav", "call.wav", makeWAV(16000, 1, 1.5), "WAV 16 kHz mono 1.5 s"},
		{"wav stereo", "x.wav", makeWAV(22050, 2, 0.2), "WAV 22.05 kHz stereo 0.2 s"},
		{"mp3", "voicemail.mp3", makeMP3(2), "MP3 44.1 kHz stereo 128 kbps ~2.0 s"},
		{"flac", "a.flac", makeFLAC(48000, 2, 168000), "FLAC 48 kHz stereo 3.5 s"},
		{"opus", "note.ogg", makeOpus(1, 2), "Ogg Opus 48 kHz mono 2.0 s"},
		{"vorbis", "note.oga", makeVorbis(44100, 2, 4), "Ogg Vorbis 44.1 kHz stereo 4.0 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, kind, err := extractBytes(t, tt.file, tt.data, DefaultLimits())
			if err != nil || kind != KindAudio {
				t.Fatalf("kind %s: %v", kind, err)
			}
			assertCalls(t, rec.calls, []string{`found voice_sample - 0.70 "` + tt.want + `"`})
		})
	}
}

// biometric record headers of ISO/IEC 19794 (2005 versions unless said otherwise).
func fmrRecord(views byte) []byte {
	b := []byte("FMR\x00 20\x00")
	b = binary.BigEndian.AppendUint32(b, 40)
	b = append(b, make([]byte, 10)...)
	b = append(b, views, 0)
	return append(b, make([]byte, 40-len(b)-2)...)
}

func TestExtractBiometric(t *testing.T) {
	fac := append([]byte("FAC\x00010\x00\x00\x00\x00\x40\x00\x01"), make([]byte, 50)...)
	fir := append([]byte("FIR\x00010\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00\x02"), make([]byte, 50)...)
	fmr2011 := append([]byte("FMR\x00030\x00\x00\x00\x00\x40\x00\x03"), make([]byte, 50)...)
	wsq := append([]byte{0xFF, 0xA0, 0xFF, 0xA8, 0x00, 0x10}, make([]byte, 30)...)
	tests := []struct {
		name string
		data []byte
		want []string
	}{
		{"minutiae, two views", append(fmrRecord(2), 0, 0), []string{
			`found fingerprint_template - 0.95 "ISO/IEC 19794-2 finger minutiae record, 1 of 2"`,
			`found fingerprint_template - 0.95 "ISO/IEC 19794-2 finger minutiae record, 2 of 2"`,
		}},
		{"minutiae 2011, three", fmr2011, []string{
			`found fingerprint_template - 0.95 "ISO/IEC 19794-2 finger minutiae record, 1 of 3"`,
			`found fingerprint_template - 0.95 "ISO/IEC 19794-2 finger minutiae record, 2 of 3"`,
			`found fingerprint_template - 0.95 "ISO/IEC 19794-2 finger minutiae record, 3 of 3"`,
		}},
		{"face image", fac, []string{`found face_image - 0.95 "ISO/IEC 19794-5 face image record, 1 of 1"`}},
		{"finger image", fir, []string{
			`found fingerprint_template - 0.95 "ISO/IEC 19794-4 finger image record, 1 of 2"`,
			`found fingerprint_template - 0.95 "ISO/IEC 19794-4 finger image record, 2 of 2"`,
		}},
		{"wsq", wsq, []string{`found fingerprint_template - 0.95 "WSQ fingerprint image"`}},
		{"short header counts one", []byte("FMR\x00 20\x00"), []string{
			`found fingerprint_template - 0.95 "ISO/IEC 19794-2 finger minutiae record, 1 of 1"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, kind, err := extractBytes(t, "template.bin", tt.data, DefaultLimits())
			if err != nil || kind != KindBiometric {
				t.Fatalf("kind %s: %v", kind, err)
			}
			assertCalls(t, rec.calls, tt.want)
		})
	}
	if fmrRecord(2)[22] != 2 {
		t.Fatal("fmrRecord puts the view count at the wrong offset")
	}
	err := Extract(t.Context(), "x", KindBiometric, bytes.NewReader([]byte("nope")), 4, &recorder{}, Limits{})
	if !errors.Is(err, model.ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
}

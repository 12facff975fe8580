package graphsim

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
)

// Every generated value is a pure function of (seed, index, stream): a
// splitmix64 generator seeded per user and per purpose, so that user i can
// be rebuilt at any time without holding the tenant in memory, and adding a
// draw to one stream never shifts another.

// Streams of per-user randomness.
const (
	streamProfile uint64 = iota + 1
	streamLicence
	streamActivity
	streamName
	streamID
	streamDeleted
)

// mix is the splitmix64 finaliser: a bijective 64-bit mixer.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hash3 combines a seed and two values into one well-mixed word.
func hash3(seed int64, a, b uint64) uint64 {
	return mix(mix(mix(uint64(seed)^0x9e3779b97f4a7c15)^a) + b*0x9e3779b97f4a7c15)
}

// rng is a splitmix64 generator; the zero value is usable but callers seed
// it with newRNG.
type rng struct{ s uint64 }

func newRNG(seed int64, index int, stream uint64) rng {
	return rng{s: hash3(seed, uint64(index), stream)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// intn returns a number in [0, n).
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// pick returns an index chosen with the given relative weights.
func (r *rng) pick(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.intn(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// guidFrom formats 128 bits as a version-4 GUID, the shape of Entra object
// ids.
func guidFrom(hi, lo uint64) string {
	var out [36]byte
	return string(appendGUID(out[:0], hi, lo))
}

// appendGUID appends guidFrom(hi, lo).
func appendGUID(out []byte, hi, lo uint64) []byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var pad [36]byte
	at := len(out)
	out = append(out, pad[:]...)
	g := out[at:]
	hex.Encode(g[0:8], b[0:4])
	g[8] = '-'
	hex.Encode(g[9:13], b[4:6])
	g[13] = '-'
	hex.Encode(g[14:18], b[6:8])
	g[18] = '-'
	hex.Encode(g[19:23], b[8:10])
	g[23] = '-'
	hex.Encode(g[24:36], b[10:16])
	return out
}

// appendGUIDBits appends the GUID of 128 bits, high word first.
func appendGUIDBits(out []byte, g [2]uint64) []byte { return appendGUID(out, g[0], g[1]) }

// namedGUID is a stable GUID for a named object of the tenant (a group, a
// subscription, the tenant itself).
func namedGUID(seed int64, name string, n int) string {
	h := nameHash(name)
	return guidFrom(hash3(seed, h, uint64(n)), hash3(seed, h, uint64(n)+1<<32))
}

// nameHash is FNV-1a of name.
func nameHash(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return h
}

// feistel is a keyed bijection on 32 bits (four rounds), used to hide the
// user index inside the object id while keeping it recoverable.
func feistel(seed int64, x uint32, inverse bool) uint32 {
	l, r := uint16(x>>16), uint16(x)
	if !inverse {
		for round := uint64(0); round < 4; round++ {
			l, r = r, l^uint16(hash3(seed, round, uint64(r)))
		}
		return uint32(l)<<16 | uint32(r)
	}
	for round := int64(3); round >= 0; round-- {
		l, r = r^uint16(hash3(seed, uint64(round), uint64(l))), l
	}
	return uint32(l)<<16 | uint32(r)
}

// userGUID is the object id of user i: the first group encodes i, the rest
// is random-looking.
func userGUID(seed int64, i int) string {
	g := userGUIDBits(seed, i)
	return guidFrom(g[0], g[1])
}

// userGUIDBits are the 128 bits of userGUID(seed, i).
func userGUIDBits(seed int64, i int) [2]uint64 {
	hi := uint64(feistel(seed, uint32(i), false))<<32 | hash3(seed, uint64(i), streamID)&0xffffffff
	return [2]uint64{hi, hash3(seed, uint64(i), streamID+100)}
}

// userIndexFromGUID recovers i from an object id built by userGUID; the
// caller must still compare the whole id.
func userIndexFromGUID(seed int64, id string) (int, bool) {
	if len(id) != 36 {
		return 0, false
	}
	v, err := strconv.ParseUint(id[:8], 16, 32)
	if err != nil {
		return 0, false
	}
	return int(feistel(seed, uint32(v), true)), true
}

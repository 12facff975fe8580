package transform

import (
	"math/big"
	"strconv"
	"strings"
)

// Amounts in the marts are DECIMAL(18,2): exact, in the reporting
// currency, rounded to its minor unit. Prices are annualised and converted
// here, in exact rational arithmetic, and handed to DuckDB as decimal text,
// so that a monthly 4.80 is 57.60 a year, not 57.5999999999999.

// MartScale is the number of decimal places of every amount in the marts
// (DECIMAL(18,2)); a reporting currency must not need more.
const MartScale = 2

// minorUnits are ISO 4217's decimal places for the currencies where they
// are not 2 (https://www.iso.org/iso-4217-currency-codes.html, list one).
var minorUnits = map[string]int{
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}

// MinorUnits is the number of decimal places of currency (ISO 4217): 2
// unless listed otherwise.
func MinorUnits(currency string) int {
	if n, ok := minorUnits[strings.ToUpper(strings.TrimSpace(currency))]; ok {
		return n
	}
	return 2
}

// exact is the decimal a float64 from the config file was written as: YAML
// "4.8" decodes to the float64 nearest 4.8, whose shortest representation
// is "4.8" again.
func exact(v float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', -1, 64))
	if !ok { // NaN and Inf never pass validation
		return new(big.Rat)
	}
	return r
}

// roundText rounds r to places decimal places, half away from zero (the
// commercial rule), and writes it as decimal text with exactly that many
// places.
func roundText(r *big.Rat, places int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	n := new(big.Rat).Mul(r, new(big.Rat).SetInt(scale))
	num, den := n.Num(), n.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int)) // truncates toward zero
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	s := new(big.Int).Abs(q).String()
	if places > 0 {
		if len(s) <= places {
			s = strings.Repeat("0", places-len(s)+1) + s
		}
		s = s[:len(s)-places] + "." + s[len(s)-places:]
	}
	if q.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// round rounds r to places decimal places, half away from zero.
func round(r *big.Rat, places int) *big.Rat {
	out, _ := new(big.Rat).SetString(roundText(r, places))
	return out
}

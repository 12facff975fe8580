package config

import (
	"fmt"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// linePaths maps each line of a YAML document to the dotted paths
// (tenants[0].auth.client_id) of the keys and scalar values on it. yaml's
// type errors carry only a line; this lets decodeError name the key.
func linePaths(b []byte) map[int][]string {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	out := map[int][]string{}
	walkNode(doc.Content[0], "", out)
	return out
}

func walkNode(n *yaml.Node, path string, out map[int][]string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			out[k.Line] = append(out[k.Line], p)
			walkNode(v, p, out)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if v.Kind == yaml.ScalarNode {
				out[v.Line] = append(out[v.Line], p)
			}
			walkNode(v, p, out)
		}
	}
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// withPath rewrites "line N: msg" as "line N: path: msg" when exactly one
// key sits on line N.
func withPath(msg string, paths map[int][]string) string {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	n, _ := strconv.Atoi(m[1])
	if ps := dedupe(paths[n]); len(ps) == 1 {
		return fmt.Sprintf("line %s: %s: %s", m[1], ps[0], m[2])
	}
	return msg
}

func dedupe(ps []string) []string {
	var out []string
	for _, p := range ps {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

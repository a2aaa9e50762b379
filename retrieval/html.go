package retrieval

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlDoc is the readable content of an HTML page.
type htmlDoc struct {
	title, outlet, url, published string
	body                          string
}

// dropTags are elements whose content is never article text.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Form: true,
	atom.Iframe: true, atom.Svg: true, atom.Button: true, atom.Select: true,
	atom.Figcaption: true, atom.Object: true, atom.Embed: true, atom.Canvas: true,
	atom.Head: true, atom.Dialog: true, atom.Menu: true,
}

// blockTags end a paragraph.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Dt: true, atom.Dd: true,
	atom.Header: true, atom.Figure: true, atom.Hr: true, atom.Address: true, atom.Details: true,
}

// junkWords mark elements (by class, id or role) that hold ads, sharing
// widgets, navigation or other page furniture.
var junkWords = map[string]bool{
	"ad": true, "ads": true, "advert": true, "adverts": true, "advertisement": true, "advertising": true,
	"sponsor": true, "sponsored": true, "promo": true, "promotion": true, "banner": true, "cookie": true,
	"cookies": true, "consent": true, "newsletter": true, "share": true, "sharing": true, "social": true,
	"related": true, "recommended": true, "comments": true, "comment": true, "popup": true, "modal": true,
	"subscribe": true, "subscription": true, "paywall": true, "breadcrumb": true, "breadcrumbs": true,
	"menu": true, "sidebar": true, "navigation": true, "navbar": true, "nav": true, "footer": true,
	"complementary": true, "contentinfo": true, "outbrain": true, "taboola": true, "dfp": true,
}

func isJunk(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "class", "id", "role":
			for w := range strings.FieldsFuncSeq(strings.ToLower(a.Val), func(r rune) bool {
				return r == ' ' || r == '-' || r == '_' || r == '\t'
			}) {
				if junkWords[w] {
					return true
				}
			}
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// htmlText extracts the readable text of an HTML page: its title, metadata
// (og:site_name, og:url or canonical link, article:published_time) and the
// paragraphs of the main content (the largest <article>, else <main>, else
// <body>), with scripts, styles, navigation, ads and other furniture dropped.
func htmlText(src string) htmlDoc {
	var d htmlDoc
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return d
	}
	var titleTag, h1 string
	var articles []*html.Node
	var mainNode, body *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if titleTag == "" {
					titleTag = textOf(n)
				}
			case atom.Meta:
				key := strings.ToLower(attr(n, "property") + attr(n, "name"))
				val := strings.TrimSpace(attr(n, "content"))
				switch key {
				case "og:title", "twitter:title":
					if d.title == "" {
						d.title = val
					}
				case "og:site_name":
					d.outlet = val
				case "og:url":
					d.url = val
				case "article:published_time", "date", "pubdate", "dc.date", "publish-date":
					if d.published == "" {
						d.published = val
					}
				}
			case atom.Link:
				if strings.EqualFold(attr(n, "rel"), "canonical") && d.url == "" {
					d.url = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Time:
				if d.published == "" {
					d.published = strings.TrimSpace(attr(n, "datetime"))
				}
			case atom.H1:
				if h1 == "" {
					h1 = textOf(n)
				}
			case atom.Article:
				articles = append(articles, n)
			case atom.Main:
				if mainNode == nil {
					mainNode = n
				}
			case atom.Body:
				body = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if d.title == "" {
		d.title = h1
	}
	if d.title == "" {
		d.title = titleTag
	}
	d.title = cleanLine(d.title)

	content := body
	if mainNode != nil {
		content = mainNode
	}
	best := 0
	for _, a := range articles {
		if l := len(textOf(a)); l > best && l >= 200 {
			best, content = l, a
		}
	}
	if content == nil {
		content = root
	}
	var b strings.Builder
	extract(&b, content)
	d.body = b.String()
	return d
}

// textOf returns the plain text under n, spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return cleanLine(b.String())
}

// extract writes the readable text under n: paragraphs separated by blank
// lines, furniture skipped.
func extract(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if len(n.Data) > 0 && strings.ContainsRune(" \t\n\r", rune(n.Data[0])) {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Join(strings.Fields(n.Data), " "))
		if len(n.Data) > 0 && strings.ContainsRune(" \t\n\r", rune(n.Data[len(n.Data)-1])) {
			b.WriteByte(' ')
		}
		return
	case html.CommentNode, html.DoctypeNode:
		return
	case html.ElementNode:
		if dropTags[n.DataAtom] || isJunk(n) {
			return
		}
		if n.DataAtom == atom.Br {
			b.WriteByte('\n')
			return
		}
		if blockTags[n.DataAtom] {
			b.WriteString("\n\n")
			defer b.WriteString("\n\n")
		} else if n.DataAtom == atom.Img {
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		extract(b, c)
	}
}

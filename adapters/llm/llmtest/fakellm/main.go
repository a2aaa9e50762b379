// Command fakellm serves llmtest's fake OpenAI-compatible (or Ollama) model
// on a local port, for trying storybot's model path without a real model:
//
//	go run ./adapters/llm/llmtest/fakellm -addr 127.0.0.1:8099 -mode echo
//	storybot ask --llm-provider openai --llm-base-url http://127.0.0.1:8099/v1 --llm-model fake "QUESTION"
//
// Modes: echo (cites the first passages correctly), invent (also cites an
// invented article ID), omit (reports no conflicts), junk (uncited prose),
// error (HTTP 500 every time).
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/storybot/storybot/adapters/llm/llmtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8099", "listen `address`")
	model := flag.String("model", "fake", "model `name` the server accepts")
	mode := flag.String("mode", "echo", "echo, invent, omit, junk or error")
	protocol := flag.String("protocol", "openai", "openai or ollama")
	flag.Parse()
	respond, err := responder(*mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakellm:", err)
		os.Exit(2)
	}
	opt := llmtest.Options{Model: *model, EmbedModel: *model + "-embed", Respond: respond}
	var h http.Handler
	switch *protocol {
	case "openai":
		_, h = llmtest.OpenAIHandler(opt)
	case "ollama":
		_, h = llmtest.OllamaHandler(opt)
	default:
		fmt.Fprintln(os.Stderr, "fakellm: -protocol must be openai or ollama")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("fakellm: %s model %q (%s) on http://%s\n", *protocol, *model, *mode, ln.Addr())
	log.Fatal(http.Serve(ln, h))
}

func responder(mode string) (func(llmtest.Request) llmtest.Reply, error) {
	switch mode {
	case "echo", "omit":
		return llmtest.EchoAnswer, nil
	case "invent":
		return func(r llmtest.Request) llmtest.Reply {
			rep := llmtest.EchoAnswer(r)
			rep.Content = "The talks collapsed overnight [999_invented_id]. " + rep.Content
			return rep
		}, nil
	case "junk":
		return func(llmtest.Request) llmtest.Reply {
			return llmtest.Reply{Content: "As a language model I cannot read the news."}
		}, nil
	case "error":
		return func(llmtest.Request) llmtest.Reply {
			return llmtest.Reply{Status: http.StatusInternalServerError, Header: map[string]string{"Retry-After": "0"}}
		}, nil
	}
	return nil, fmt.Errorf("unknown -mode %q", mode)
}

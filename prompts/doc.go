// Package prompts holds storybot's language-model prompts: the answer, the
// conflict check and the digest. Each is a pair of embedded text/template
// files (system and user message) rendered from a typed input by one
// function, e.g. Answer(AnswerInput). Version names the prompt set; callers
// log it with every model call so answers can be traced to their prompt.
//
// Everything that comes from outside (article text, titles, outlets, the
// question and the thread) is untrusted. It is fenced in tags such as
// <article id="..."> ... </article>, with anything in it that looks like a
// fence neutralised, and the system prompts say that fenced text is data,
// never instructions.
//
// prompts imports nothing of storybot's: it is a leaf package.
package prompts

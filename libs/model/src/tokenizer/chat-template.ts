/** Chat templates (tokenizer_config.json `chat_template`, Jinja) rendered with @huggingface/jinja. */
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatTemplateOptions {
  /**
   * End with the assistant's turn opener so the model answers next.
   * @defaultValue true
   */
  addGenerationPrompt?: boolean;
  /** Value of `bos_token` inside the template. @defaultValue '' */
  bosToken?: string;
  /** Value of `eos_token` inside the template. @defaultValue '' */
  eosToken?: string;
  /** Extra template variables (e.g. `tools`, `enable_thinking`). */
  variables?: Record<string, unknown>;
}

const compiled = new Map<string, Template>();

export function applyChatTemplate(template: string, messages: ChatMessage[], opts: ChatTemplateOptions = {}): string {
  let parsed = compiled.get(template);
  if (!parsed) {
    parsed = new Template(template);
    compiled.set(template, parsed);
  }
  return parsed.render({
    ...opts.variables,
    messages,
    add_generation_prompt: opts.addGenerationPrompt ?? true,
    bos_token: opts.bosToken ?? '',
    eos_token: opts.eosToken ?? '',
    // raise_exception() (templates call it on bad input) is built into @huggingface/jinja
  });
}

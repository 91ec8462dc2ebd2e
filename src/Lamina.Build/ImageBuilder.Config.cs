using Lamina.Build.Dockerfile;
using Lamina.Build.Stages;

namespace Lamina.Build;

public sealed partial class ImageBuilder
{
    // Instructions that only change the image config. Each still extends the cache chain, so a later layer's
    // key covers the ENV, USER, WORKDIR… it ran under.
    private static void ApplyConfig(BuildRun run, StageState state, Instruction ins, ShellWords words, string label)
    {
        string text;
        switch (ins.Keyword)
        {
            case "ENV":
                var env = KeyValues(ins, words, legacyForm: true);
                foreach (var (k, v) in env) state.SetEnv(k, v);
                text = "ENV " + string.Join(' ', env.Select(e => $"{e.Key}={e.Value}"));
                break;
            case "LABEL":
                var labels = KeyValues(ins, words, legacyForm: false);
                foreach (var (k, v) in labels) state.Labels[k] = v;
                text = "LABEL " + string.Join(' ', labels.Select(e => $"{e.Key}={e.Value}"));
                break;
            case "ARG":
                var parts = new List<string>();
                foreach (var (name, value) in ArgParser.Parse(ins, words))
                {
                    var effective = run.Request.BuildArgs.TryGetValue(name, out var given) ? given
                        : value ?? run.Plan.GlobalArgs.GetValueOrDefault(name);
                    if (given is not null) run.UsedArgs.Add(name);
                    state.Args[name] = effective;
                    parts.Add(effective is null ? name : $"{name}={effective}");
                }
                text = "ARG " + string.Join(' ', parts);
                break;
            case "WORKDIR":
                var dir = Expand(words, ins, ins.Arguments);
                state.WorkingDir = "/" + Context.PathPattern.Clean(dir.StartsWith('/') ? dir : (state.WorkingDir ?? "/") + "/" + dir);
                text = "WORKDIR " + state.WorkingDir;
                break;
            case "USER":
                state.User = Expand(words, ins, ins.Arguments);
                if (state.User.Length == 0) throw BuildException.At(ins, "USER needs a user name or uid");
                text = "USER " + state.User;
                break;
            case "EXPOSE":
                var ports = ExpandWords(words, ins, ins.Arguments).Select(p => Port(ins, p)).ToList();
                foreach (var p in ports) state.ExposedPorts.Add(p);
                text = "EXPOSE " + string.Join(' ', ports);
                break;
            case "CMD":
                state.Cmd = ExecForm(ins);
                text = "CMD " + System.Text.Json.JsonSerializer.Serialize(state.Cmd, BuildJson.Default.ListString);
                break;
            case "ENTRYPOINT":
                state.Entrypoint = ExecForm(ins);
                // Docker: setting ENTRYPOINT drops a CMD inherited from the base image (not one set earlier in this stage).
                if (!state.History.Any(h => h.CreatedBy.StartsWith("CMD ", StringComparison.Ordinal))) state.Cmd = null;
                text = "ENTRYPOINT " + System.Text.Json.JsonSerializer.Serialize(state.Entrypoint, BuildJson.Default.ListString);
                break;
            case "STOPSIGNAL":
                state.StopSignal = Expand(words, ins, ins.Arguments);
                text = "STOPSIGNAL " + state.StopSignal;
                break;
            case "HEALTHCHECK" or "VOLUME" or "MAINTAINER":
                // Lambda has no health checks or volumes, and MAINTAINER is deprecated: Docker semantics allow
                // building without them, so they are ignored with a warning rather than refused.
                run.Report(BuildEventKind.Warning, label, $"{ins.File}:{ins.Line}: {ins.Keyword} is ignored by lamina build");
                text = ins.ToString();
                state.Extend(text);
                return;
            default:
                // SHELL and ONBUILD change how later instructions (or later builds) behave: refusing is the honest answer.
                throw BuildException.At(ins, $"{ins.Keyword} is not supported by lamina build");
        }
        state.Extend(text);
        state.History.Add(new HistoryEntry(state.Created, text, EmptyLayer: true));
    }

    private static List<string> ExecForm(Instruction ins) =>
        ins.Json?.ToList() ?? (ins.Arguments.Length == 0 ? [] : ["/bin/sh", "-c", ins.Arguments]);

    private static List<KeyValuePair<string, string>> KeyValues(Instruction ins, ShellWords words, bool legacyForm)
    {
        var raw = ins.Arguments;
        var firstSpace = raw.IndexOfAny([' ', '\t']);
        var firstWord = firstSpace < 0 ? raw : raw[..firstSpace];
        if (legacyForm && !firstWord.Contains('=', StringComparison.Ordinal))
        {
            // ENV key value with spaces (the legacy form): everything after the key is the value.
            if (firstSpace < 0) throw BuildException.At(ins, $"ENV {firstWord} needs a value: ENV {firstWord}=value");
            return [new(firstWord, Expand(words, ins, raw[(firstSpace + 1)..].Trim()))];
        }
        var list = new List<KeyValuePair<string, string>>();
        foreach (var word in ExpandWords(words, ins, raw))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw BuildException.At(ins, $"'{word}' is not KEY=value");
            list.Add(new(word[..eq], word[(eq + 1)..]));
        }
        return list;
    }

    private static string Port(Instruction ins, string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? text : text[..slash];
        var proto = slash < 0 ? "tcp" : text[(slash + 1)..].ToLowerInvariant();
        if (!ushort.TryParse(number, out var port) || port == 0 || proto is not ("tcp" or "udp" or "sctp"))
            throw BuildException.At(ins, $"invalid port '{text}': expected PORT or PORT/tcp|udp|sctp");
        return $"{port}/{proto}";
    }
}

using System.Text;

namespace Sebs.Core.Results;

/// <summary>
/// Streams RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines (JSON outputs do).
/// Export-Csv's optional <c>#TYPE</c> first line is skipped.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly StringBuilder _field = new();

    public CsvRecordReader(TextReader reader) => _reader = reader;

    /// <summary>1-based line on which the last record returned started.</summary>
    public long RecordLine { get; private set; }

    private long _line = 1;
    private bool _started;

    /// <summary>The next record, or null at the end.</summary>
    /// <exception cref="FormatException">A quoted field never closes, or text follows a closing quote.</exception>
    public List<string>? Read()
    {
        if (!_started)
        {
            _started = true;
            if (_reader.Peek() == '#') { _reader.ReadLine(); _line++; }
        }
        while (_reader.Peek() is '\r' or '\n') ConsumeNewline();
        if (_reader.Peek() < 0) return null;

        RecordLine = _line;
        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var afterQuote = false;
        while (true)
        {
            var c = _reader.Read();
            if (quoted)
            {
                if (c < 0) throw new FormatException($"a quoted field opened on line {RecordLine} never closes");
                if (c == '"')
                {
                    if (_reader.Peek() == '"') { _reader.Read(); _field.Append('"'); }
                    else { quoted = false; afterQuote = true; }
                }
                else
                {
                    if (c == '\n') _line++;
                    _field.Append((char)c);
                }
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r')
            {
                fields.Add(_field.ToString());
                if (c == '\r' && _reader.Peek() == '\n') _reader.Read();
                if (c >= 0) _line++;
                return fields;
            }
            if (c == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
                afterQuote = false;
            }
            else if (c == '"' && _field.Length == 0 && !afterQuote) quoted = true;
            else if (afterQuote) throw new FormatException($"unexpected '{(char)c}' after a closing quote on line {_line}");
            else _field.Append((char)c);
        }
    }

    private void ConsumeNewline()
    {
        var c = _reader.Read();
        if (c == '\r' && _reader.Peek() == '\n') _reader.Read();
        _line++;
    }
}

# The AWS Lambda function wrappers (benchmarks/wrappers/aws/<lang>/) run on the fake AWS control plane
# (tests/infra/fake-aws/fake_aws.py), and the fake itself: Signature V4 checks, Lambda states and errors, Function
# URLs, CloudWatch Logs paging, IAM and STS. The storage/nosql shim tests need tests/infra/start-services.sh
# (s3rver, dynalite, python3-boto3, the AWS SDK for Node in .tools/npm-aws-sdk); they fail and say so without them.
BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:FakeDir = Join-Path $Repo 'tests/infra/fake-aws'
    $script:Wrappers = Join-Path $Repo 'benchmarks/wrappers/aws'
    $script:Sleep = Join-Path $Repo 'benchmarks/000.microbenchmarks/010.sleep'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "sebs-awswrappers-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Force $Work | Out-Null
    $script:AccessKey = 'AKIDSEBSTEST'
    $script:SecretKey = 'sebs-test-secret'
    $script:Region = 'us-east-1'
    $script:Account = '123456789012'
    $script:RoleArn = "arn:aws:iam::${Account}:role/sebs-test-role"
    $script:Http = [System.Net.Http.HttpClient]::new()
    $script:Http.Timeout = [TimeSpan]::FromSeconds(60)

    # Services (s3rver, dynalite) from tests/infra/start-services.sh.
    $script:Services = @{}
    $envFile = Join-Path $Repo 'out/services.env'
    if (Test-Path $envFile) {
        foreach ($line in Get-Content $envFile) { if ($line -match '^\s*([A-Z0-9_]+)=(.*)$') { $Services[$Matches[1]] = $Matches[2] } }
    }
    # The interpreter for python sandboxes: Debian's python3 carries python3-boto3 (a pyenv python3 may not).
    $script:SandboxPython = 'python3'
    if (Test-Path /usr/bin/python3) {
        & /usr/bin/python3 -c 'import boto3' 2>$null
        if ($LASTEXITCODE -eq 0) { $script:SandboxPython = '/usr/bin/python3' }
    }
    $script:SdkModules = Join-Path $Repo '.tools/npm-aws-sdk/node_modules'

    # --- the fake ----------------------------------------------------------------------------------------------
    $fakeArgs = @((Join-Path $FakeDir 'fake_aws.py'), '--port', '0', '--exit-on-stdin-eof', '--role', 'sebs-test-role',
        '--python', $SandboxPython, '--state-delay', '0.3', '--log', (Join-Path $Work 'requests.log'),
        '--function-env', 'AWS_ACCESS_KEY_ID=S3RVER', '--function-env', 'AWS_SECRET_ACCESS_KEY=S3RVER',
        '--function-env', "NODE_PATH=$SdkModules")
    if ($Services.SEBS_TEST_S3_ENDPOINT) { $fakeArgs += '--function-env', "AWS_ENDPOINT_URL_S3=http://$($Services.SEBS_TEST_S3_ENDPOINT)" }
    if ($Services.SEBS_TEST_DYNAMODB_ENDPOINT) { $fakeArgs += '--function-env', "AWS_ENDPOINT_URL_DYNAMODB=http://$($Services.SEBS_TEST_DYNAMODB_ENDPOINT)" }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($a in $fakeArgs) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $script:Fake = [System.Diagnostics.Process]::Start($psi)
    $script:FakeErr = $Fake.StandardError.ReadToEndAsync()
    $ready = $Fake.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait(15000) -or $ready.Result -notmatch '^READY (\d+)$') {
        throw "the fake did not start: $($ready.Result) $($FakeErr.Result)"
    }
    $script:Port = [int]$Matches[1]
    $script:Endpoint = "http://127.0.0.1:$Port"

    # --- Signature V4 in PowerShell (independent of the fake's Python implementation) --------------------------
    function Get-Hex([byte[]]$Bytes) { -join ($Bytes | ForEach-Object { $_.ToString('x2') }) }
    function Get-Sha256Hex([byte[]]$Bytes) {
        if ($null -eq $Bytes) { $Bytes = [byte[]]::new(0) }
        Get-Hex ([System.Security.Cryptography.SHA256]::HashData([byte[]]$Bytes))
    }
    function Get-Hmac([byte[]]$Key, [string]$Text) {
        [System.Security.Cryptography.HMACSHA256]::HashData($Key, [Text.Encoding]::UTF8.GetBytes($Text))
    }
    function ConvertTo-UriEncoded([string]$Text, [switch]$KeepSlash) {
        $sb = [Text.StringBuilder]::new()
        foreach ($b in [Text.Encoding]::UTF8.GetBytes($Text)) {
            $c = [char]$b
            if (($c -ge 'A' -and $c -le 'Z') -or ($c -ge 'a' -and $c -le 'z') -or ($c -ge '0' -and $c -le '9') -or
                $c -in '-', '_', '.', '~' -or ($KeepSlash -and $c -eq '/')) { [void]$sb.Append($c) }
            else { [void]$sb.Append('%').Append($b.ToString('X2')) }
        }
        $sb.ToString()
    }
    # Returns the Authorization value. $Headers: name -> value (must hold host and x-amz-date); all are signed.
    function Get-SigV4Authorization {
        param([string]$Method, [string]$Path, [string]$Query, [hashtable]$Headers, [byte[]]$Body,
              [string]$Service, [string]$Region = $script:Region, [string]$Key = $script:AccessKey,
              [string]$Secret = $script:SecretKey)
        $names = @($Headers.Keys | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object)
        $canonHeaders = ($names | ForEach-Object {
            $n = $_; $v = ($Headers.GetEnumerator() | Where-Object { $_.Key.ToLowerInvariant() -eq $n }).Value
            "${n}:$(([string]$v).Trim() -replace '\s+', ' ')`n" }) -join ''
        $pairs = @()
        if ($Query) {
            foreach ($p in $Query.Split('&')) {
                $k, $v = $p.Split('=', 2)
                $pairs += "$(ConvertTo-UriEncoded ([uri]::UnescapeDataString($k)))=$(ConvertTo-UriEncoded ([uri]::UnescapeDataString([string]$v)))"
            }
        }
        $canonQuery = ($pairs | Sort-Object -CaseSensitive) -join '&'
        # Non-S3 services: the already-encoded path is encoded once more.
        $canonPath = ConvertTo-UriEncoded $Path -KeepSlash
        $amzDate = $Headers['x-amz-date']
        $canonical = @($Method, $canonPath, $canonQuery, $canonHeaders, ($names -join ';'), (Get-Sha256Hex $Body)) -join "`n"
        $scope = "$($amzDate.Substring(0, 8))/$Region/$Service/aws4_request"
        $toSign = "AWS4-HMAC-SHA256`n$amzDate`n$scope`n$(Get-Sha256Hex ([Text.Encoding]::UTF8.GetBytes($canonical)))"
        $k = [Text.Encoding]::UTF8.GetBytes("AWS4$Secret")
        foreach ($part in $amzDate.Substring(0, 8), $Region, $Service, 'aws4_request') { $k = Get-Hmac $k $part }
        $sig = Get-Hex (Get-Hmac $k $toSign)
        "AWS4-HMAC-SHA256 Credential=$Key/$scope, SignedHeaders=$($names -join ';'), Signature=$sig"
    }

    # One signed request to the fake. -Tamper changes the body after signing. Returns Status, Headers, Body.
    function Invoke-Aws {
        param([string]$Service, [string]$Method = 'GET', [string]$Path = '/', [string]$Query = '',
              $Body = $null, [string]$ContentType = 'application/json', [hashtable]$Headers = @{},
              [string]$Key = $script:AccessKey, [string]$Secret = $script:SecretKey, [string]$Region = $script:Region,
              [switch]$Tamper, [switch]$Unsigned, [string]$Url)
        $bytes = if ($null -eq $Body) { [byte[]]@() } elseif ($Body -is [byte[]]) { $Body }
                 elseif ($Body -is [string]) { [Text.Encoding]::UTF8.GetBytes($Body) }
                 else { [Text.Encoding]::UTF8.GetBytes(($Body | ConvertTo-Json -Depth 20 -Compress)) }
        if ($null -eq $bytes) { $bytes = [byte[]]::new(0) }   # an empty array assigned from 'if' becomes $null
        $target = if ($Url) { $Url } else { "$script:Endpoint$Path$(if ($Query) { "?$Query" })" }
        $req = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($Method), $target)
        $sign = @{ host = "127.0.0.1:$script:Port"; 'x-amz-date' = [DateTime]::UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'") }
        foreach ($h in $Headers.GetEnumerator()) { $sign[$h.Key] = $h.Value }
        if ($bytes.Length -gt 0 -or $Method -in 'POST', 'PUT') {
            $sign['content-type'] = $ContentType
        }
        if (-not $Unsigned) {
            $auth = Get-SigV4Authorization -Method $Method -Path $Path -Query $Query -Headers $sign -Body $bytes `
                -Service $Service -Region $Region -Key $Key -Secret $Secret
            [void]$req.Headers.TryAddWithoutValidation('Authorization', $auth)
        }
        foreach ($h in $sign.GetEnumerator()) {
            if ($h.Key -in 'host', 'content-type') { continue }
            [void]$req.Headers.TryAddWithoutValidation($h.Key, [string]$h.Value)
        }
        if ($Tamper) { $bytes = [Text.Encoding]::UTF8.GetBytes(([Text.Encoding]::UTF8.GetString($bytes)) + ' ') }
        if ($bytes.Length -gt 0 -or $Method -in 'POST', 'PUT') {
            $req.Content = [System.Net.Http.ByteArrayContent]::new($bytes)
            $req.Content.Headers.TryAddWithoutValidation('Content-Type', $ContentType) | Out-Null
        }
        $resp = $script:Http.SendAsync($req).GetAwaiter().GetResult()
        $hdrs = @{}
        foreach ($h in $resp.Headers) { $hdrs[$h.Key.ToLowerInvariant()] = ($h.Value -join ',') }
        foreach ($h in $resp.Content.Headers) { $hdrs[$h.Key.ToLowerInvariant()] = ($h.Value -join ',') }
        [pscustomobject]@{ Status = [int]$resp.StatusCode; Headers = $hdrs
                           Body = $resp.Content.ReadAsStringAsync().GetAwaiter().GetResult() }
    }
    function Invoke-Query([string]$Service, [hashtable]$Params, [string]$Region = 'us-east-1', [switch]$Tamper) {
        $form = ($Params.GetEnumerator() | ForEach-Object { "$($_.Key)=$([uri]::EscapeDataString([string]$_.Value))" }) -join '&'
        Invoke-Aws -Service $Service -Method POST -Path '/' -Body $form -ContentType 'application/x-www-form-urlencoded' `
            -Region $Region -Tamper:$Tamper
    }
    function Invoke-Logs([string]$Operation, [hashtable]$Body) {
        Invoke-Aws -Service logs -Method POST -Path '/' -Body $Body -ContentType 'application/x-amz-json-1.1' `
            -Headers @{ 'x-amz-target' = "Logs_20140328.$Operation" }
    }

    # --- code packages and functions ---------------------------------------------------------------------------
    # Harness layout: handler at the root, the benchmark and the shims in function/.
    function New-CodeZip([string]$Lang, [string]$FunctionFile, [string]$Name) {
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        $pkg = Join-Path $script:Work "pkg-$Name"
        New-Item -ItemType Directory -Force (Join-Path $pkg 'function') | Out-Null
        Copy-Item (Join-Path $script:Wrappers "$Lang/handler.$ext") $pkg
        foreach ($shim in 'storage', 'nosql') { Copy-Item (Join-Path $script:Wrappers "$Lang/$shim.$ext") (Join-Path $pkg 'function') }
        Copy-Item $FunctionFile (Join-Path $pkg "function/function.$ext")
        $zip = Join-Path $script:Work "$Name.zip"
        Remove-Item $zip -ErrorAction SilentlyContinue
        [System.IO.Compression.ZipFile]::CreateFromDirectory($pkg, $zip)
        $zip
    }
    function Wait-Function([string]$Name, [double]$Seconds = 20) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            $r = Invoke-Aws -Service lambda -Path "/2015-03-31/functions/$Name"
            $c = ($r.Body | ConvertFrom-Json).Configuration
            if ($c.State -eq 'Active' -and $c.LastUpdateStatus -eq 'Successful') { return $c }
            Start-Sleep -Milliseconds 100
        }
        throw "function $Name did not become Active/Successful within $Seconds s: $($r.Body)"
    }
    function New-Function([string]$Name, [string]$Lang, [string]$Zip, [hashtable]$Env = @{}, [int]$Timeout = 30,
                          [switch]$NoWait) {
        $runtime = if ($Lang -eq 'python') { 'python3.13' } else { 'nodejs22.x' }
        $body = @{ FunctionName = $Name; Runtime = $runtime; Role = $script:RoleArn; Handler = 'handler.handler'
                   Code = @{ ZipFile = [Convert]::ToBase64String([IO.File]::ReadAllBytes($Zip)) }
                   Timeout = $Timeout; MemorySize = 128; Architectures = @('x86_64'); PackageType = 'Zip' }
        if ($Env.Count) { $body.Environment = @{ Variables = $Env } }
        $r = Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body $body
        if ($r.Status -ne 201) { throw "CreateFunction $Name -> $($r.Status) $($r.Body)" }
        if (-not $NoWait) { Wait-Function $Name | Out-Null }
        $r
    }
    # Invoke with Tail; returns the raw response plus Payload (the handler's return), Result (the decoded body),
    # Log (the decoded tail) and Report (the REPORT line).
    function Invoke-Function([string]$Name, $Event = @{}) {
        $r = Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Name/invocations" -Body $Event `
            -Headers @{ 'x-amz-log-type' = 'Tail'; 'x-amz-invocation-type' = 'RequestResponse' }
        $payload = if ($r.Body) { $r.Body | ConvertFrom-Json } else { $null }
        $log = if ($r.Headers['x-amz-log-result']) {
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($r.Headers['x-amz-log-result'])) } else { '' }
        $result = if ($payload -and $payload.PSObject.Properties['body']) { $payload.body | ConvertFrom-Json } else { $null }
        [pscustomobject]@{ Status = $r.Status; Headers = $r.Headers; Payload = $payload; Result = $result; Log = $log
                           Report = ($log -split "`n" | Where-Object { $_ -like 'REPORT *' } | Select-Object -First 1) }
    }
    function Get-FakeFunctions { ($script:Http.GetStringAsync("$script:Endpoint/__fake/functions").GetAwaiter().GetResult() | ConvertFrom-Json) }
}

AfterAll {
    if ($Fake -and -not $Fake.HasExited) {
        $Fake.StandardInput.Close()          # --exit-on-stdin-eof: stops its sandboxes and exits
        if (-not $Fake.WaitForExit(10000)) { $Fake.Kill($true) }
    }
    if ($Http) { $Http.Dispose() }
    if ($Work -and (Test-Path $Work)) { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }
}

Describe 'fake AWS: Signature V4' {
    It 'reproduces the get-vanilla test vector in the fake (Python) and in the test signer (PowerShell)' {
        $out = & python3 (Join-Path $FakeDir 'sigv4.py') --self-test
        $LASTEXITCODE | Should -Be 0
        $out | Should -Match '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
        $auth = Get-SigV4Authorization -Method GET -Path '/' -Query '' -Body ([byte[]]@()) -Service 'service' `
            -Headers @{ host = 'example.amazonaws.com'; 'x-amz-date' = '20150830T123600Z' } -Region 'us-east-1' `
            -Key 'AKIDEXAMPLE' -Secret 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
        $auth | Should -Be ('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
            'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
    }

    It 'accepts a correctly signed request, with a query string' {
        $r = Invoke-Aws -Service lambda -Path '/2015-03-31/functions/' -Query 'MaxItems=10&FunctionVersion=ALL'
        $r.Status | Should -Be 200
        ($r.Body | ConvertFrom-Json).PSObject.Properties.Name | Should -Contain 'Functions'
    }

    It 'rejects a body changed after signing with 403 InvalidSignatureException' {
        $r = Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body @{ FunctionName = 'x' } -Tamper
        $r.Status | Should -Be 403
        $r.Headers['x-amzn-errortype'] | Should -Be 'InvalidSignatureException'
        ($r.Body | ConvertFrom-Json).message | Should -BeLike 'The request signature we calculated does not match the signature you provided*'
    }

    It 'rejects a wrong secret, an unknown key and a missing signature' {
        (Invoke-Aws -Service lambda -Path '/2015-03-31/functions/' -Secret 'wrong').Headers['x-amzn-errortype'] | Should -Be 'InvalidSignatureException'
        $r = Invoke-Aws -Service lambda -Path '/2015-03-31/functions/' -Key 'AKIDUNKNOWN'
        $r.Status | Should -Be 403
        $r.Headers['x-amzn-errortype'] | Should -Be 'UnrecognizedClientException'
        $r = Invoke-Aws -Service lambda -Path '/2015-03-31/functions/' -Unsigned
        $r.Status | Should -Be 403
        $r.Headers['x-amzn-errortype'] | Should -Be 'MissingAuthenticationTokenException'
    }

    It 'answers IAM signature errors in XML (SignatureDoesNotMatch, Sender) and insists on us-east-1 for IAM' {
        $r = Invoke-Query iam @{ Action = 'GetRole'; Version = '2010-05-08'; RoleName = 'sebs-test-role' } -Tamper
        $r.Status | Should -Be 403
        $x = [xml]$r.Body
        $x.ErrorResponse.Error.Code | Should -Be 'SignatureDoesNotMatch'
        $x.ErrorResponse.Error.Type | Should -Be 'Sender'
        $x.ErrorResponse.RequestId | Should -Match '^[0-9a-f-]{36}$'
        $r = Invoke-Query iam @{ Action = 'GetRole'; Version = '2010-05-08'; RoleName = 'sebs-test-role' } -Region 'eu-west-1'
        $r.Status | Should -Be 403
        ([xml]$r.Body).ErrorResponse.Error.Code | Should -Be 'SignatureDoesNotMatch'
    }
}

Describe 'fake AWS: IAM, STS, Logs and Lambda validation' {
    It 'STS GetCallerIdentity names the account' {
        $r = Invoke-Query sts @{ Action = 'GetCallerIdentity'; Version = '2011-06-15' }
        $r.Status | Should -Be 200
        $x = [xml]$r.Body
        $x.GetCallerIdentityResponse.GetCallerIdentityResult.Account | Should -Be $Account
        $x.GetCallerIdentityResponse.GetCallerIdentityResult.Arn | Should -Be "arn:aws:iam::${Account}:user/sebs-test"
    }

    It 'IAM CreateRole, GetRole, AttachRolePolicy; 404 NoSuchEntity and 409 EntityAlreadyExists' {
        $trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
        $r = Invoke-Query iam @{ Action = 'GetRole'; Version = '2010-05-08'; RoleName = 'sebs-new-role' }
        $r.Status | Should -Be 404
        ([xml]$r.Body).ErrorResponse.Error.Code | Should -Be 'NoSuchEntity'
        $r = Invoke-Query iam @{ Action = 'CreateRole'; Version = '2010-05-08'; RoleName = 'sebs-new-role'; AssumeRolePolicyDocument = $trust }
        $r.Status | Should -Be 200
        ([xml]$r.Body).CreateRoleResponse.CreateRoleResult.Role.Arn | Should -Be "arn:aws:iam::${Account}:role/sebs-new-role"
        (Invoke-Query iam @{ Action = 'CreateRole'; Version = '2010-05-08'; RoleName = 'sebs-new-role'; AssumeRolePolicyDocument = $trust }).Status | Should -Be 409
        (Invoke-Query iam @{ Action = 'AttachRolePolicy'; Version = '2010-05-08'; RoleName = 'sebs-new-role'
            PolicyArn = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }).Status | Should -Be 200
        $r = Invoke-Query iam @{ Action = 'GetRole'; Version = '2010-05-08'; RoleName = 'sebs-new-role' }
        $role = ([xml]$r.Body).GetRoleResponse.GetRoleResult.Role
        $role.RoleId | Should -Match '^AROA[0-9A-Z]{17}$'
        [uri]::UnescapeDataString($role.AssumeRolePolicyDocument) | Should -Be $trust
    }

    It 'FilterLogEvents on an unknown group is 400 ResourceNotFoundException' {
        $r = Invoke-Logs FilterLogEvents @{ logGroupName = '/aws/lambda/does-not-exist' }
        $r.Status | Should -Be 400
        $b = $r.Body | ConvertFrom-Json
        $b.__type | Should -Be 'ResourceNotFoundException'
        $b.message | Should -Be 'The specified log group does not exist.'
    }

    It 'CreateFunction validates like Lambda (memory, timeout, role, reserved env, unknown function)' {
        $zip = New-CodeZip python (Join-Path $Sleep 'python/function.py') 'validate'
        $code = @{ ZipFile = [Convert]::ToBase64String([IO.File]::ReadAllBytes($zip)) }
        $base = @{ FunctionName = 'v1'; Runtime = 'python3.13'; Role = $RoleArn; Handler = 'handler.handler'; Code = $code }
        $r = Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body ($base + @{ MemorySize = 64 })
        $r.Status | Should -Be 400
        $r.Headers['x-amzn-errortype'] | Should -Be 'ValidationException'
        (Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body ($base + @{ Timeout = 901 })).Status | Should -Be 400
        $badRole = $base.Clone(); $badRole.Role = 'not-an-arn'
        $r = Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body $badRole
        $r.Headers['x-amzn-errortype'] | Should -Be 'ValidationException'
        $r = Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body ($base + @{ Environment = @{ Variables = @{ AWS_REGION = 'x' } } })
        $r.Headers['x-amzn-errortype'] | Should -Be 'InvalidParameterValueException'
        $r = Invoke-Aws -Service lambda -Path '/2015-03-31/functions/nope'
        $r.Status | Should -Be 404
        $r.Headers['x-amzn-errortype'] | Should -Be 'ResourceNotFoundException'
        ($r.Body | ConvertFrom-Json).Type | Should -Be 'User'
    }
}

Describe 'AWS wrapper on the fake Lambda: <_>' -ForEach 'python', 'nodejs' {
    BeforeAll {
        $script:Lang = $_
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        $script:Fn = "sebs-sleep-$Lang"
        $script:Zip = New-CodeZip $Lang (Join-Path $Sleep "$Lang/function.$ext") "sleep-$Lang"
        $script:Created = New-Function $Fn $Lang $Zip -NoWait
        $script:RequestIds = [System.Collections.Generic.List[string]]::new()
    }

    It 'creates the function Pending, refuses invocations until it is Active' {
        $c = $Created.Body | ConvertFrom-Json
        $c.State | Should -Be 'Pending'
        $c.FunctionArn | Should -Be "arn:aws:lambda:${Region}:${Account}:function:$Fn"
        $sha = [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($Zip)))
        $c.CodeSha256 | Should -Be $sha
        $c.CodeSize | Should -Be (Get-Item $Zip).Length
        $r = Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Fn/invocations" -Body @{ sleep = 0 }
        $r.Status | Should -Be 409
        $r.Headers['x-amzn-errortype'] | Should -Be 'ResourceConflictException'
        (Invoke-Aws -Service lambda -Method POST -Path '/2015-03-31/functions' -Body @{ FunctionName = $Fn; Runtime = 'python3.13'
            Role = $RoleArn; Handler = 'handler.handler'; Code = @{ ZipFile = [Convert]::ToBase64String([IO.File]::ReadAllBytes($Zip)) } }).Status | Should -Be 409
        $active = Wait-Function $Fn
        $active.State | Should -Be 'Active'
        $active.LastUpdateStatus | Should -Be 'Successful'
    }

    It 'answers cold then warm, with the wrapper fields and a REPORT line per call' {
        $first = Invoke-Function $Fn @{ sleep = 0.2 }
        $first.Status | Should -Be 200
        $first.Headers['x-amz-executed-version'] | Should -Be '$LATEST'
        $first.Payload.statusCode | Should -Be 200
        $r1 = $first.Result
        $r1.is_cold | Should -BeTrue
        $r1.result.result | Should -Be 0.2
        $r1.begin | Should -Match '^\d{10}\.\d{6}$'
        $r1.end | Should -Match '^\d{10}\.\d{6}$'
        ([decimal]$r1.end - [decimal]$r1.begin) | Should -BeGreaterOrEqual 0.19
        $r1.compute_time | Should -BeGreaterOrEqual 190000
        $r1.container_id | Should -Match '^[0-9a-f]{8}$'
        $r1.cold_start_var | Should -Be ''
        $r1.results_time | Should -Be 0
        $first.Report | Should -Match "^REPORT RequestId: $($r1.request_id)\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d{2} ms\t"
        $first.Headers['x-amzn-requestid'] | Should -Be $r1.request_id
        $first.Log | Should -Match "START RequestId: $($r1.request_id) Version: \`$LATEST"
        $dur = [double]([regex]::Match($first.Report, 'Duration: ([\d.]+) ms').Groups[1].Value)
        $dur | Should -BeGreaterOrEqual 200

        $second = Invoke-Function $Fn @{ sleep = 0 }
        $second.Result.is_cold | Should -BeFalse
        $second.Result.container_id | Should -Be $r1.container_id
        $second.Result.request_id | Should -Not -Be $r1.request_id
        $second.Report | Should -Match "^REPORT RequestId: $($second.Result.request_id)\t"
        $second.Report | Should -Not -Match 'Init Duration'
        $RequestIds.Add($r1.request_id); $RequestIds.Add($second.Result.request_id)
        $f = Get-FakeFunctions | Where-Object name -eq $Fn
        $f.sandboxes | Should -Be 1
    }

    It 'makes the next call cold after a configuration update, and refuses a second update while one is in progress' {
        $before = (Invoke-Function $Fn @{ sleep = 0 }).Result
        $RequestIds.Add($before.request_id)
        $r = Invoke-Aws -Service lambda -Method PUT -Path "/2015-03-31/functions/$Fn/configuration" `
            -Body @{ MemorySize = 256; Environment = @{ Variables = @{ ForceColdStart = '1' } } }
        $r.Status | Should -Be 200
        ($r.Body | ConvertFrom-Json).LastUpdateStatus | Should -Be 'InProgress'
        $again = Invoke-Aws -Service lambda -Method PUT -Path "/2015-03-31/functions/$Fn/configuration" -Body @{ Timeout = 20 }
        $again.Status | Should -Be 409
        ($again.Body | ConvertFrom-Json).message | Should -Be "The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:${Region}:${Account}:function:$Fn"
        $c = Wait-Function $Fn
        $c.MemorySize | Should -Be 256
        $c.Environment.Variables.ForceColdStart | Should -Be '1'
        $after = Invoke-Function $Fn @{ sleep = 0 }
        $after.Result.is_cold | Should -BeTrue
        $after.Result.cold_start_var | Should -Be '1'
        $after.Result.container_id | Should -Not -Be $before.container_id
        $after.Report | Should -Match 'Memory Size: 256 MB'
        $after.Report | Should -Match 'Init Duration: '
        $RequestIds.Add($after.Result.request_id)
    }

    It 'serves a Function URL only after both public permissions (InvokeFunctionUrl, and InvokeFunction via the URL)' {
        $r = Invoke-Aws -Service lambda -Method POST -Path "/2021-10-31/functions/$Fn/url" -Body @{ AuthType = 'NONE' }
        $r.Status | Should -Be 201
        $cfg = $r.Body | ConvertFrom-Json
        $cfg.FunctionUrl | Should -Be "http://127.0.0.1:$Port/lambda-url/$Fn/"
        $cfg.AuthType | Should -Be 'NONE'
        (Invoke-Aws -Service lambda -Method POST -Path "/2021-10-31/functions/$Fn/url" -Body @{ AuthType = 'NONE' }).Status | Should -Be 409
        $content = [System.Net.Http.StringContent]::new('{"sleep": 0.05}', [Text.Encoding]::UTF8, 'application/json')
        $resp = $Http.PostAsync($cfg.FunctionUrl, $content).GetAwaiter().GetResult()
        [int]$resp.StatusCode | Should -Be 403
        $resp.Content.ReadAsStringAsync().GetAwaiter().GetResult() | Should -Be '{"Message": "Forbidden"}'

        $p = Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Fn/policy" -Body @{
            StatementId = 'FunctionURLAllowPublicAccess'; Action = 'lambda:InvokeFunctionUrl'; Principal = '*'; FunctionUrlAuthType = 'NONE' }
        $p.Status | Should -Be 201
        $st = ($p.Body | ConvertFrom-Json).Statement | ConvertFrom-Json
        $st.Condition.StringEquals.'lambda:FunctionUrlAuthType' | Should -Be 'NONE'
        (Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Fn/policy" -Body @{
            StatementId = 'FunctionURLAllowPublicAccess'; Action = 'lambda:InvokeFunctionUrl'; Principal = '*' }).Status | Should -Be 409
        # One statement is not enough since October 2025.
        $content = [System.Net.Http.StringContent]::new('{"sleep": 0.05}', [Text.Encoding]::UTF8, 'application/json')
        [int]$Http.PostAsync($cfg.FunctionUrl, $content).GetAwaiter().GetResult().StatusCode | Should -Be 403
        $p2 = Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Fn/policy" -Body @{
            StatementId = 'FunctionURLInvokeAllowPublicAccess'; Action = 'lambda:InvokeFunction'; Principal = '*'; InvokedViaFunctionUrl = $true }
        $p2.Status | Should -Be 201
        (($p2.Body | ConvertFrom-Json).Statement | ConvertFrom-Json).Condition.Bool.'lambda:InvokedViaFunctionUrl' | Should -Be 'true'

        $content = [System.Net.Http.StringContent]::new('{"sleep": 0.05}', [Text.Encoding]::UTF8, 'application/json')
        $resp = $Http.PostAsync($cfg.FunctionUrl, $content).GetAwaiter().GetResult()
        [int]$resp.StatusCode | Should -Be 200
        $resp.Content.Headers.ContentType.MediaType | Should -Be 'application/json'
        $out = $resp.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json
        $out.result.result | Should -Be 0.05
        $out.is_cold | Should -BeFalse
        $out.request_id | Should -Match '^[0-9a-f-]{36}$'
        ($resp.Headers.GetValues('x-amzn-RequestId') | Select-Object -First 1) | Should -Be $out.request_id
        $RequestIds.Add($out.request_id)
    }

    It 'lists the REPORT lines through FilterLogEvents, page by page' {
        $events = @()
        $token = $null
        $pages = 0
        do {
            $body = @{ logGroupName = "/aws/lambda/$Fn"; filterPattern = 'REPORT'; limit = 2
                       startTime = [DateTimeOffset]::UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds()
                       endTime = [DateTimeOffset]::UtcNow.AddMinutes(1).ToUnixTimeMilliseconds() }
            if ($token) { $body.nextToken = $token }
            $r = Invoke-Logs FilterLogEvents $body
            $r.Status | Should -Be 200
            $page = $r.Body | ConvertFrom-Json
            @($page.events).Count | Should -BeLessOrEqual 2
            $events += @($page.events)
            $token = $page.nextToken
            $pages++
        } while ($token)
        $pages | Should -BeGreaterThan 1
        $events.Count | Should -Be $RequestIds.Count
        foreach ($id in $RequestIds) { ($events | Where-Object { $_.message -like "REPORT RequestId: $id`t*" }).Count | Should -Be 1 }
        $events[0].logStreamName | Should -Match '^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$'
        $events[0].eventId | Should -Match '^\d+$'
        # A quoted phrase; START lines only.
        $r = Invoke-Logs FilterLogEvents @{ logGroupName = "/aws/lambda/$Fn"; filterPattern = '"START RequestId"' }
        @(($r.Body | ConvertFrom-Json).events).Count | Should -Be $RequestIds.Count
    }

    It 'reports a raising benchmark as statusCode 500 with the error, keeping is_cold and request_id' {
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        $name = "sebs-raise-$Lang"
        New-Function $name $Lang (New-CodeZip $Lang (Join-Path $FakeDir "functions/raise.$ext") "raise-$Lang") | Out-Null
        $r = Invoke-Function $name @{ why = 'on purpose' }
        $r.Status | Should -Be 200
        $r.Headers.ContainsKey('x-amz-function-error') | Should -BeFalse
        $r.Payload.statusCode | Should -Be 500
        $r.Result.is_cold | Should -BeTrue
        $r.Result.request_id | Should -Be $r.Headers['x-amzn-requestid']
        $r.Result.result | Should -BeNullOrEmpty
        $r.Result.error.type | Should -Be $(if ($Lang -eq 'python') { 'ValueError' } else { 'TypeError' })
        $r.Result.error.message | Should -Be 'benchmark failed: on purpose'
        $r.Result.error.traceback | Should -Match 'benchmark failed'
        $r.Log | Should -Match 'about to fail:? on purpose'
    }

    It 'gives X-Amz-Function-Error: Unhandled when the function times out, and the next call is cold' {
        $name = "sebs-timeout-$Lang"
        New-Function $name $Lang $Zip -Timeout 1 | Out-Null
        $r = Invoke-Function $name @{ sleep = 3 }
        $r.Status | Should -Be 200
        $r.Headers['x-amz-function-error'] | Should -Be 'Unhandled'
        $r.Payload.errorMessage | Should -Match 'Task timed out after 1\.00 seconds'
        $r.Report | Should -Match 'Duration: 1\d{3}\.\d{2} ms'
        $next = Invoke-Function $name @{ sleep = 0 }
        $next.Result.is_cold | Should -BeTrue
    }

    It 'runs Event invocations in the background (202) and DryRun validates only (204)' {
        $n = (Get-FakeFunctions | Where-Object name -eq $Fn).invocations
        $r = Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Fn/invocations" -Body @{ sleep = 0 } `
            -Headers @{ 'x-amz-invocation-type' = 'Event' }
        $r.Status | Should -Be 202
        $r = Invoke-Aws -Service lambda -Method POST -Path "/2015-03-31/functions/$Fn/invocations" -Body @{ sleep = 0 } `
            -Headers @{ 'x-amz-invocation-type' = 'DryRun' }
        $r.Status | Should -Be 204
        (Get-FakeFunctions | Where-Object name -eq $Fn).invocations | Should -Be ($n + 1)
    }

    It 'deletes the function (204), after which it is 404' {
        (Invoke-Aws -Service lambda -Method DELETE -Path "/2015-03-31/functions/$Fn").Status | Should -Be 204
        (Invoke-Aws -Service lambda -Path "/2015-03-31/functions/$Fn").Status | Should -Be 404
    }
}

Describe 'AWS storage and nosql shims against s3rver and dynalite: <_>' -ForEach 'python', 'nodejs' {
    BeforeAll {
        $script:Lang = $_
        $missing = @()
        if (-not $Services.SEBS_TEST_S3_ENDPOINT) { $missing += 'SEBS_TEST_S3_ENDPOINT (s3rver)' }
        if (-not $Services.SEBS_TEST_DYNAMODB_ENDPOINT) { $missing += 'SEBS_TEST_DYNAMODB_ENDPOINT (dynalite)' }
        if ($Lang -eq 'python' -and $SandboxPython -ne '/usr/bin/python3') { $missing += 'python3-boto3 in /usr/bin/python3' }
        if ($Lang -eq 'nodejs' -and -not (Test-Path (Join-Path $SdkModules '@aws-sdk/lib-dynamodb'))) { $missing += "@aws-sdk/* in $SdkModules" }
        $script:Missing = $missing -join ', '
    }

    It 'uploads, downloads, lists and streams; inserts, gets, updates, queries and deletes' {
        if ($Missing) { throw "missing test services: $Missing; run tests/infra/start-services.sh (./build.sh test does) and see out/services.env" }
        $ext = if ($Lang -eq 'python') { 'py' } else { 'js' }
        $name = "sebs-shims-$Lang"
        $suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $table = "sebs-shop-$Lang-$suffix"
        New-Function $name $Lang (New-CodeZip $Lang (Join-Path $FakeDir "functions/shims.$ext") "shims-$Lang") `
            -Env @{ NOSQL_STORAGE_TABLE_shop = $table } | Out-Null
        $bucket = "sebs-shims-$Lang-$suffix"
        $r = Invoke-Function $name @{ bucket = $bucket }
        $r.Headers.ContainsKey('x-amz-function-error') | Should -BeFalse -Because $r.Payload
        $r.Payload.statusCode | Should -Be 200 -Because ($r.Result.error | ConvertTo-Json -Depth 5)
        $o = $r.Result.result
        $o.uploaded | Should -Match '^dir/in\.[0-9a-f]{8}\.txt$'
        $o.streamed | Should -Match '^dir/blob\.[0-9a-f]{8}\.bin$'
        $o.copy | Should -Be "hello $bucket"
        [Convert]::FromBase64String($o.stream_b64) | Should -Be ([byte[]](0, 1, 98, 105, 110, 97, 114, 121, 255))
        @($o.tree) | Should -Be @($o.uploaded, $o.streamed | Sort-Object)
        $o.got.price | Should -Be 3
        $o.got.price | Should -BeOfType [long]
        $o.got.ratio | Should -Be 0.5
        @($o.got.tags) | Should -Be @('x', 'y')
        $o.got.cart | Should -Be 'c1'
        $o.got.item | Should -Be 'a'
        $o.updated.price | Should -Be 4
        $o.updated.note | Should -Be 'updated'
        $o.updated.ratio | Should -Be 0.5
        @($o.query | ForEach-Object { $_.item }) | Should -Be @('a', 'b')
        @($o.query)[1].ratio | Should -Be 0.25
        @($o.after_delete | ForEach-Object { $_.item }) | Should -Be @('a')
        $o.missing | Should -BeNullOrEmpty
    }
}
